import type { ChaosProfile } from "./profiles.js";
import type { Random } from "./random.js";

/**
 * The mixed workload of a chaos run, drawn from its seed: jobs over the sandbox's pools and repositories
 * (sandbox/sandbox-pools.ts), some of which the policy must deny, with label spellings that exercise
 * matching, varied durations and conclusions, and cancellations.
 */
export interface PlannedJob {
  atMs: number;
  repo: string;
  labels: string[];
  durationMs: number;
  conclusion: "success" | "failure";
  fromFork: boolean;
  /** The pool the labels select. */
  pool: string;
  cancelAtMs?: number;
  /** What the sandbox pool file says about this job. */
  expect: "allow" | "deny";
  note: string;
}

const LABELS: Record<"small" | "large" | "oss", readonly (readonly string[])[]> = {
  small: [
    ["self-hosted", "linux", "x64", "mayfly-small"],
    ["mayfly-small"],
    ["Self-Hosted", "Linux", "X64", "MAYFLY-SMALL"],
    // Matches small and large equally; small wins by file order, but GitHub may hand it a large runner.
    ["self-hosted", "linux", "x64"],
  ],
  large: [["self-hosted", "linux", "x64", "mayfly-large"], ["mayfly-large"], ["self-hosted", "MAYFLY-LARGE"]],
  oss: [["self-hosted", "linux", "arm64", "mayfly-oss"], ["mayfly-oss"], ["self-hosted", "arm64"]],
};

interface Mix {
  weight: number;
  repos: readonly string[];
  pool: keyof typeof LABELS;
  fromFork?: boolean;
  expect: "allow" | "deny";
  note: string;
}

const MIX: readonly Mix[] = [
  {
    weight: 5,
    repos: ["api", "web", "infra"],
    pool: "small",
    expect: "allow",
    note: "small, private/internal repo",
  },
  { weight: 2, repos: ["api", "web"], pool: "large", expect: "allow", note: "large, allowed repo" },
  { weight: 1.5, repos: ["sdk"], pool: "oss", expect: "allow", note: "oss, public repo, not a fork" },
  { weight: 0.6, repos: ["docs"], pool: "small", expect: "deny", note: "small refuses public repos" },
  {
    weight: 0.6,
    repos: ["infra"],
    pool: "large",
    expect: "deny",
    note: "large admits only acme/api and acme/web",
  },
  {
    weight: 0.6,
    repos: ["sdk"],
    pool: "oss",
    fromFork: true,
    expect: "deny",
    note: "oss sets no allowForks",
  },
  { weight: 0.3, repos: ["docs"], pool: "oss", expect: "deny", note: "oss admits only acme/sdk" },
];

/**
 * Which repositories each sandbox pool admits, written out from sandbox/sandbox-pools.ts rather than
 * computed by the app's policy, so the run judges the app by an independent reading. No pool admits forks.
 */
const ADMITS: Readonly<Record<string, readonly string[]>> = {
  small: ["api", "web", "infra"],
  large: ["api", "web"],
  oss: ["sdk"],
};

/** Whether a runner of `pool` may run this job (ADR 0008: the policy follows the runner). */
export function poolAdmits(pool: string, job: Pick<PlannedJob, "repo" | "fromFork">): boolean {
  return !job.fromFork && (ADMITS[pool] ?? []).includes(job.repo);
}

export function planWorkload(random: Random, profile: ChaosProfile): PlannedJob[] {
  const count = random.int(profile.jobs.min, profile.jobs.max);
  const jobs: PlannedJob[] = [];
  for (let i = 0; i < count; i++) {
    const mix = weighted(random, MIX);
    const atMs = Math.round(random.between(0, profile.arrivalsUntilMs));
    const cancel = random.chance(profile.cancel.probability);
    jobs.push({
      atMs,
      repo: random.pick(mix.repos),
      labels: [...random.pick(LABELS[mix.pool])],
      durationMs: random.int(300, 4_000),
      conclusion: random.chance(0.15) ? "failure" : "success",
      fromFork: mix.fromFork ?? false,
      pool: mix.pool,
      ...(cancel
        ? { cancelAtMs: atMs + random.int(profile.cancel.afterMs.min, profile.cancel.afterMs.max) }
        : {}),
      expect: mix.expect,
      note: mix.note,
    });
  }
  return jobs.sort((a, b) => a.atMs - b.atMs);
}

function weighted<T extends { weight: number }>(random: Random, items: readonly T[]): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let left = random.between(0, total);
  for (const item of items) {
    left -= item.weight;
    if (left < 0) return item;
  }
  return items[items.length - 1]!;
}
