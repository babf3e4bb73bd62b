/**
 * The kinds of job the traffic generator sends, written against the sandbox world (org `acme`, its repos,
 * and the pools in sandbox-pools.ts), each with what the app should do with it. Weights are the background
 * mix: mostly runnable jobs, and a steady trickle of the cases a dashboard has to explain.
 */
export const JOB_KINDS = [
  "small",
  "large",
  "oss",
  "denied-public-repo",
  "denied-fork",
  "denied-repo",
  "unclaimed",
] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** runs: a pool admits it; denied: a pool matches but its policy refuses; ignored: no pool claims the labels. */
export type ExpectedOutcome = "runs" | "denied" | "ignored";

export interface JobKindSpec {
  weight: number;
  expected: ExpectedOutcome;
  repos: readonly string[];
  /** The `runs-on` label sets a workflow author might write for it (subsets of the pool's labels). */
  labels: readonly (readonly string[])[];
  fromFork?: boolean;
  /** Run time relative to the configured range: large builds take longer. */
  durationFactor: number;
  workflows: readonly { workflow: string; job: string }[];
}

const SMALL = ["self-hosted", "linux", "x64", "mayfly-small"] as const;
const LARGE = ["self-hosted", "linux", "x64", "mayfly-large"] as const;
const OSS = ["self-hosted", "linux", "arm64", "mayfly-oss"] as const;
const CI = [
  { workflow: "CI", job: "test" },
  { workflow: "CI", job: "lint" },
  { workflow: "Release", job: "package" },
] as const;

export const JOB_MIX: Record<JobKind, JobKindSpec> = {
  small: {
    weight: 50,
    expected: "runs",
    repos: ["api", "web", "infra"],
    labels: [SMALL, ["self-hosted", "mayfly-small"]],
    durationFactor: 1,
    workflows: CI,
  },
  large: {
    weight: 15,
    expected: "runs",
    repos: ["api", "web"],
    labels: [LARGE],
    durationFactor: 2,
    workflows: [
      { workflow: "CI", job: "integration" },
      { workflow: "Build", job: "docker image" },
    ],
  },
  oss: {
    weight: 12,
    expected: "runs",
    repos: ["sdk"],
    labels: [OSS],
    durationFactor: 0.8,
    workflows: CI,
  },
  // acme/docs is public and no pool admits it: the oss pool allows acme/sdk only.
  "denied-public-repo": {
    weight: 4,
    expected: "denied",
    repos: ["docs"],
    labels: [OSS],
    durationFactor: 0.5,
    workflows: [{ workflow: "Docs", job: "build site" }],
  },
  // A pull request from a fork of the public repo: refused unless the pool says allowForks.
  "denied-fork": {
    weight: 4,
    expected: "denied",
    repos: ["sdk"],
    labels: [OSS],
    fromFork: true,
    durationFactor: 0.8,
    workflows: [{ workflow: "CI", job: "test" }],
  },
  // The large pool admits acme/api and acme/web only.
  "denied-repo": {
    weight: 3,
    expected: "denied",
    repos: ["infra"],
    labels: [LARGE],
    durationFactor: 1,
    workflows: [{ workflow: "Terraform", job: "plan" }],
  },
  // GitHub sends workflow_job for hosted-runner jobs too; Mayfly must leave them alone.
  unclaimed: {
    weight: 12,
    expected: "ignored",
    repos: ["api", "web", "docs"],
    labels: [["ubuntu-latest"], ["self-hosted", "linux", "x64", "gpu"], ["self-hosted", "windows"]],
    durationFactor: 1,
    workflows: CI,
  },
};

/** The small pool's instance types: a spot outage on both makes it fall back to on-demand. */
export const SMALL_POOL_SPOT_TYPES = ["t3.medium", "t3a.medium"] as const;
