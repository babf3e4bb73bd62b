import type { Pool } from "../pool-file.js";
import { type DenyCode, evaluatePolicy, needsForkCheck, type PolicyInput } from "./evaluate-policy.js";
import { matchPool } from "./match-pool.js";

/**
 * What Mayfly knows about the runner that took a job, from its instance (runner name → instance id →
 * the instance's `mayfly:pool` tag; DESIGN.md "Policy follows the runner").
 */
export type RunnerOrigin =
  /** A live instance of this deployment, tagged with a pool that is in the config. */
  | { kind: "pool"; pool: Pool }
  /** A live instance of this deployment whose pool tag is missing or names no configured pool. */
  | { kind: "unknown-pool"; tag: string | undefined }
  /** No live instance of this deployment has this runner's name: a rogue runner. */
  | { kind: "no-instance" };

export const VIOLATION_CODES = ["no-pool", "runner-pool-unknown"] as const;
export type ViolationCode = DenyCode | (typeof VIOLATION_CODES)[number];

export type RunnerVerdict =
  | { verdict: "allowed"; pool: string; reason: string }
  | { verdict: "violation"; pool: string; code: ViolationCode; reason: string }
  | { verdict: "rogue"; reason: string };

export interface RunnerJobInput extends PolicyInput {
  jobLabels: readonly string[];
  runner: RunnerOrigin;
  pools: readonly Pool[];
}

/**
 * The runner-side check (ADR 0004, ADR 0008): GitHub hands a job to any idle runner whose labels cover
 * the job's, so a job is judged by the pool of the runner that took it, never by the pool its labels
 * match. It is a violation when that pool's policy denies it, when no pool's labels cover the job
 * (it reached a Mayfly runner only through GitHub's built-in labels), or when the runner's instance has
 * no configured pool. A runner with no instance is not a violation to contain but a rogue to alarm on.
 */
export function judgeRunnerJob(input: RunnerJobInput): RunnerVerdict {
  const { runner } = input;
  if (runner.kind === "no-instance") {
    return { verdict: "rogue", reason: "no live instance of this deployment has this runner's name" };
  }
  if (runner.kind === "unknown-pool") {
    const why = runner.tag === undefined ? "has no pool tag" : `has pool tag "${runner.tag}", not in config`;
    return {
      verdict: "violation",
      pool: runner.tag ?? "unknown",
      code: "runner-pool-unknown",
      reason: `the runner's instance ${why}`,
    };
  }
  const pool = runner.pool.name;
  const decision = evaluatePolicy(input, runner.pool);
  if (!decision.allow) return { verdict: "violation", pool, code: decision.code, reason: decision.reason };
  const match = matchPool(input.jobLabels, input.pools);
  if (!match.pool) {
    return {
      verdict: "violation",
      pool,
      code: "no-pool",
      reason: `${match.reason}, yet it runs on pool "${pool}"`,
    };
  }
  return { verdict: "allowed", pool, reason: `runner's pool "${pool}": ${decision.reason}` };
}

/** Whether judging the job needs the run's fork status (one GET): only when the runner's pool's policy turns on it. */
export function runnerNeedsForkCheck(input: Omit<RunnerJobInput, "forkRun">): boolean {
  return input.runner.kind === "pool" && needsForkCheck(input, input.runner.pool);
}
