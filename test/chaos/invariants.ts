/**
 * What must hold once a chaos run has settled, as small pure functions over the observed state
 * (issue 7, "Resilience"). Each returns the violations it finds, worded for the person reading a failing
 * seed. `LIVENESS` are the ones a run waits for; the rest can only get worse with time.
 */
export interface ObservedJob {
  id: number;
  status: "queued" | "in_progress" | "completed";
  conclusion: string | null;
  runnerName: string | null;
  expect: "allow" | "deny";
  /**
   * False when the runner that took the job belongs to a pool that refuses it: GitHub hands a job to any
   * idle runner whose labels match, and the app must then terminate that runner (ADR 0008).
   */
  runnerAdmits?: boolean;
  note: string;
}

export interface ObservedState {
  runnerPrefix: string;
  jobs: readonly ObservedJob[];
  /** Policy denials the app recorded, by job id. */
  denials: ReadonlyMap<number, { reason: string; message: string }>;
  /**
   * Jobs whose `queued` webhook the webhooks role answered 2xx just before it was SIGKILLed, with no
   * denial in its log: the decision was made, but its log line died in the process's buffer (pino writes
   * stdout asynchronously), and GitHub does not redeliver a delivery that succeeded.
   */
  recordsLostInCrash: ReadonlySet<number>;
  /** Denied jobs the app logged finding on one of its runners (and terminated). */
  caughtOnRunners: ReadonlySet<number>;
  /** Every instance carrying the `mayfly:managed-by` tag, in any state (terminated ones stay listed). */
  instances: readonly { instanceId: string; state: string }[];
  /** The org's runners. */
  runners: readonly { name: string; busy: boolean; status: string }[];
  busyTerminations: readonly { instanceId: string; jobId: number; atMs: number }[];
  /** Bodies of messages in the dead-letter queue. */
  deadLetters: readonly string[];
  /** Launches beyond one per allowed job that the faults can justify, by cause (see launchBound). */
  extraAllowance: Readonly<Record<string, number>>;
}

export interface Violation {
  invariant: string;
  detail: string;
}

export type Invariant = (state: ObservedState) => Violation[];

const LIVE_STATES = new Set(["pending", "running", "stopping", "stopped"]);

const deniedWithReason = (state: ObservedState, id: number) =>
  Boolean(state.denials.get(id)?.reason) || state.recordsLostInCrash.has(id);

/** Every job ran (completed, whatever its conclusion) or was denied with a recorded reason: none waits forever. */
export const everyJobRanOrWasDenied: Invariant = (state) =>
  state.jobs
    .filter((job) => job.status !== "completed" && !deniedWithReason(state, job.id))
    .map((job) => ({
      invariant: "every job ran or was denied",
      detail: `job ${job.id} (${job.note}) is ${job.status} and no denial was recorded`,
    }));

/** Every job the sandbox pool file refuses gets its denial recorded, even one that ended on a runner. */
export const refusedJobsDenied: Invariant = (state) =>
  state.jobs
    .filter((job) => job.expect === "deny" && !deniedWithReason(state, job.id))
    .map((job) => ({
      invariant: "refused jobs are denied",
      detail: `job ${job.id} (${job.note}) is ${job.status} and no denial was recorded`,
    }));

/** No job that the sandbox pool file admits is denied. */
export const allowedJobsNotDenied: Invariant = (state) =>
  state.jobs
    .filter((job) => job.expect === "allow" && state.denials.has(job.id))
    .map((job) => ({
      invariant: "allowed jobs are not denied",
      detail: `job ${job.id} (${job.note}) was denied: ${state.denials.get(job.id)?.message}`,
    }));

/**
 * GitHub hands a queued job to any idle runner whose labels and group match, so a denied job can land on
 * a runner launched for an allowed one. Deny by default then holds on the runner: the app must notice
 * (the in_progress webhook, redelivered if lost) and terminate it. Checked: every such job was caught.
 */
export const deniedJobsOnRunnersCaught: Invariant = (state) =>
  state.jobs
    .filter(
      (job) =>
        state.denials.has(job.id) &&
        job.runnerName?.startsWith(state.runnerPrefix) &&
        !state.caughtOnRunners.has(job.id) &&
        // Nothing but the policy terminates a busy runner, so the termination is evidence too.
        !state.busyTerminations.some((t) => t.jobId === job.id),
    )
    .map((job) => ({
      invariant: "denied jobs on Mayfly runners are caught",
      detail: `job ${job.id} (${job.note}) was denied (${state.denials.get(job.id)?.reason}), ran on ${job.runnerName}, and the app never noticed`,
    }));

export const noManagedInstanceLeft: Invariant = (state) => {
  const left = state.instances.filter((i) => LIVE_STATES.has(i.state));
  return left.length === 0
    ? []
    : [
        {
          invariant: "no managed instance left",
          detail: left.map((i) => `${i.instanceId} (${i.state})`).join(", "),
        },
      ];
};

export const noMayflyRunnerLeft: Invariant = (state) => {
  const left = state.runners.filter((r) => r.name.startsWith(state.runnerPrefix));
  return left.length === 0
    ? []
    : [
        {
          invariant: "no Mayfly runner left",
          detail: left.map((r) => `${r.name} (${r.status}${r.busy ? ", busy" : ""})`).join(", "),
        },
      ];
};

/**
 * Launches ≤ allowed jobs + the extra the faults justify. Runners are not bound to jobs, so the bound is
 * on totals: one instance per allowed job, plus, per cause, at most one more for each
 * - job still queued when the scaler was killed (a crash between launch and ack),
 * - instance refused at bootstrap (its job is relaunched on recheck),
 * - job that took a runner of another pool, or denied job that took one (the stranded job is relaunched),
 * - `queued` webhook first accepted after its job had started or ended (a first delivery launches without
 *   asking GitHub; only a redelivered message is checked).
 */
export const launchBound: Invariant = (state) => {
  const allowed = state.jobs.filter((j) => j.expect === "allow").length;
  const extra = Object.values(state.extraAllowance).reduce((a, b) => a + b, 0);
  const launched = state.instances.length;
  if (launched <= allowed + extra) return [];
  const parts = Object.entries(state.extraAllowance)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return [
    {
      invariant: "no job launched twice beyond the bounded extra",
      detail: `${launched} instances launched for ${allowed} allowed jobs; bound ${allowed + extra} (extra: ${parts || "none"})`,
    },
  ];
};

/**
 * Terminating the runner of a job the policy refuses, by the matched pool or by the pool of the runner
 * that took it, is the policy at work, not a violation of this rule.
 */
export const noBusyRunnerTerminated: Invariant = (state) =>
  state.busyTerminations
    .filter((t) => {
      const job = state.jobs.find((j) => j.id === t.jobId);
      return job?.expect !== "deny" && job?.runnerAdmits !== false;
    })
    .map((t) => ({
      invariant: "no busy runner terminated before its hard maximum",
      detail: `${t.instanceId} was terminated at ${(t.atMs / 1000).toFixed(1)}s while running job ${t.jobId}`,
    }));

/** Mayfly dead-letters only configuration errors and unreadable messages; chaos brings neither. */
export const nothingDeadLettered: Invariant = (state) =>
  state.deadLetters.map((body) => ({ invariant: "nothing dead-lettered", detail: body.slice(0, 300) }));

/** What a run waits for once the faults stop. */
export const LIVENESS: readonly Invariant[] = [
  everyJobRanOrWasDenied,
  refusedJobsDenied,
  deniedJobsOnRunnersCaught,
  noManagedInstanceLeft,
  noMayflyRunnerLeft,
];

/**
 * A violation that waiting cannot undo: once seen, the run has failed. (A launch over the bound may yet be
 * justified by a refusal or a late webhook, and a busy runner's termination by a denial still to be
 * logged, so those are judged only at the end.)
 */
export const PERMANENT: readonly Invariant[] = [nothingDeadLettered];

export const ALL_INVARIANTS: readonly Invariant[] = [
  ...LIVENESS,
  allowedJobsNotDenied,
  launchBound,
  noBusyRunnerTerminated,
  nothingDeadLettered,
];

export function check(state: ObservedState, invariants: readonly Invariant[] = ALL_INVARIANTS): Violation[] {
  return invariants.flatMap((invariant) => invariant(state));
}
