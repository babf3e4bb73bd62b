/**
 * What to do about a spot interruption warning and, later, about the job it cut short (issue 14; ADR
 * 0015). Pure: the handler in src/reaper/interruption.ts gathers the facts from EC2 and GitHub.
 */
export interface InterruptedInstance {
  market: "spot" | "on-demand";
  state: string;
  /** Whether the instance carries the `mayfly:interrupted` tag already (a redelivered warning). */
  marked: boolean;
}

export interface InterruptedRunner {
  busy: boolean;
}

export type InterruptionPlan =
  | { kind: "ignore"; reason: "not-ours" | "not-spot" }
  /** Tag it (the breaker and the re-run read the tag); then, with no job to lose, remove it now. */
  | { kind: "mark"; action: "remove-and-terminate" | "leave"; reason: "idle" | "no-runner" | "busy" };

export function planInterruption(
  instance: InterruptedInstance | undefined,
  runner: InterruptedRunner | undefined,
): InterruptionPlan {
  if (!instance) return { kind: "ignore", reason: "not-ours" };
  if (instance.market !== "spot") return { kind: "ignore", reason: "not-spot" };
  // A busy runner may still finish in the two minutes; if not, its job fails and is re-run.
  if (runner?.busy) return { kind: "mark", action: "leave", reason: "busy" };
  return { kind: "mark", action: "remove-and-terminate", reason: runner ? "idle" : "no-runner" };
}

export interface EndedJob {
  conclusion: string | null;
  /** The job's `run_attempt`: 1 unless it is itself a re-run. */
  runAttempt: number;
  /** The runner's instance was warned of a spot interruption (tag) or terminated by one (state reason). */
  interrupted: boolean;
}

export type RerunPlan =
  | { rerun: true; reason: "interrupted" }
  | { rerun: false; reason: "not-interrupted" | "succeeded" | "already-a-rerun" };

/**
 * Re-run once: only a first attempt is re-run, so a re-run that is interrupted again is not re-run a
 * second time, and no store has to remember which jobs were re-run (ADR 0015).
 */
export function planRerun(job: EndedJob): RerunPlan {
  if (!job.interrupted) return { rerun: false, reason: "not-interrupted" };
  if (job.conclusion !== "failure" && job.conclusion !== "cancelled")
    return { rerun: false, reason: "succeeded" };
  if (job.runAttempt > 1) return { rerun: false, reason: "already-a-rerun" };
  return { rerun: true, reason: "interrupted" };
}
