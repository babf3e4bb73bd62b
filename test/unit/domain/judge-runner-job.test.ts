import { describe, expect, it } from "vitest";
import {
  judgeRunnerJob,
  type RunnerOrigin,
  runnerNeedsForkCheck,
} from "../../../src/domain/judge-runner-job.js";
import { makePool } from "./make-pool.js";

const small = makePool({
  name: "small",
  labels: ["self-hosted", "linux", "x64"],
  allow: {
    orgs: ["acme"],
    repositories: ["acme/*"],
    visibilities: ["private", "internal"],
    allowForks: false,
  },
});
const large = makePool({
  name: "large",
  labels: ["self-hosted", "linux", "x64", "large"],
  allow: {
    orgs: ["acme"],
    repositories: ["acme/api"],
    visibilities: ["private", "public"],
    allowForks: false,
  },
});
const pools = [small, large];
const on = (pool: typeof small): RunnerOrigin => ({ kind: "pool", pool });
const job = (repo: string, labels: string[], runner: RunnerOrigin, visibility = "private" as const) => ({
  org: "acme",
  repository: { fullName: repo, visibility },
  jobLabels: labels,
  runner,
  pools,
  forkRun: undefined,
});

describe("judgeRunnerJob", () => {
  it.each([
    {
      case: "admitted by its runner's pool",
      input: job("acme/api", ["linux"], on(large)),
      verdict: "allowed",
      code: undefined,
    },
    {
      case: "admitted by small only, ran on large",
      input: job("acme/infra", ["linux"], on(large)),
      verdict: "violation",
      code: "repo-not-allowed",
    },
    {
      case: "large admits it, but no pool's labels cover the job",
      input: job("acme/api", ["gpu"], on(large)),
      verdict: "violation",
      code: "no-pool",
    },
    {
      case: "runner's instance has no pool tag",
      input: job("acme/api", ["linux"], { kind: "unknown-pool", tag: undefined }),
      verdict: "violation",
      code: "runner-pool-unknown",
    },
    {
      case: "runner's pool left the config",
      input: job("acme/api", ["linux"], { kind: "unknown-pool", tag: "old" }),
      verdict: "violation",
      code: "runner-pool-unknown",
    },
    {
      case: "no live instance: a rogue runner",
      input: job("acme/api", ["linux"], { kind: "no-instance" }),
      verdict: "rogue",
      code: undefined,
    },
    {
      case: "public repo on large, fork unknown",
      input: job("acme/api", ["linux"], on(large), "public" as never),
      verdict: "violation",
      code: "fork-unknown",
    },
  ])("$case → $verdict $code", ({ input, verdict, code }) => {
    const result = judgeRunnerJob(input);
    expect(result.verdict).toBe(verdict);
    expect(result.verdict === "violation" ? result.code : undefined).toBe(code);
  });

  it("names the runner's pool in a violation", () => {
    expect(judgeRunnerJob(job("acme/infra", ["linux"], on(large)))).toMatchObject({ pool: "large" });
  });

  it.each([
    {
      case: "public repo, pool admits all else",
      input: job("acme/api", ["linux"], on(large), "public" as never),
      expected: true,
    },
    { case: "private repo", input: job("acme/api", ["linux"], on(large)), expected: false },
    {
      case: "no instance",
      input: job("acme/api", ["linux"], { kind: "no-instance" }, "public" as never),
      expected: false,
    },
  ])("fork look-up needed: $case → $expected", ({ input, expected }) => {
    expect(runnerNeedsForkCheck(input)).toBe(expected);
  });
});
