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
  /** 1 (the default) for a job the run enqueued; 2 for its re-run: a new job of the same run (run_attempt). */
  attempt?: number;
  /** For a re-run: the id of the job it re-runs. */
  rerunOf?: number;
  /**
   * `cut`: EC2 reclaimed its runner's instance while it ran (a spot interruption); `warned`: the instance
   * was warned, and the job ended before or apart from the termination.
   */
  interruption?: "cut" | "warned";
}

export interface ObservedInstance {
  instanceId: string;
  state: string;
  /** The `mayfly:warm` tag: warm capacity not yet claimed for a job. */
  warm?: "hot" | "stopped";
  /** Jobs (any attempt) whose runner ran on this instance. */
  jobsRun?: number;
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
  instances: readonly ObservedInstance[];
  /** The org's runners. */
  runners: readonly { name: string; busy: boolean; status: string }[];
  busyTerminations: readonly {
    instanceId: string;
    jobId: number;
    atMs: number;
    /** EC2 reclaimed the instance (spot interruption), not the app. */
    spotInterruption?: boolean;
  }[];
  /** Bodies of messages in the dead-letter queue. */
  deadLetters: readonly string[];
  /** Launches beyond one per allowed job that the faults can justify, by cause (see launchBound). */
  extraAllowance: Readonly<Record<string, number>>;
  /** The warm pool's target (hot runners, stopped instances), when the pool file keeps warm capacity. */
  warmTarget?: { hot: number; stopped: number };
  /** The reaper's decisions on jobs a spot interruption cut short, by job id (its `spot.rerun` reason). */
  spotReruns?: ReadonlyMap<number, string>;
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
        !state.busyTerminations.some((t) => t.jobId === job.id && !t.spotInterruption),
    )
    .map((job) => ({
      invariant: "denied jobs on Mayfly runners are caught",
      detail: `job ${job.id} (${job.note}) was denied (${state.denials.get(job.id)?.reason}), ran on ${job.runnerName}, and the app never noticed`,
    }));

/**
 * Warm capacity the pool file asks to keep (issue 13) may remain: idle hot runners (running) and stopped
 * instances that never ran a job, up to the target per role. Anything else live is left behind.
 */
function keptWarm(state: ObservedState): Set<string> {
  const kept = new Set<string>();
  if (!state.warmTarget) return kept;
  for (const role of ["hot", "stopped"] as const) {
    const resting = role === "hot" ? "running" : "stopped";
    state.instances
      .filter((i) => i.warm === role && i.state === resting && (i.jobsRun ?? 0) === 0)
      .slice(0, state.warmTarget[role])
      .forEach((i) => {
        kept.add(i.instanceId);
      });
  }
  return kept;
}

export const noManagedInstanceLeft: Invariant = (state) => {
  const kept = keptWarm(state);
  const left = state.instances.filter((i) => LIVE_STATES.has(i.state) && !kept.has(i.instanceId));
  return left.length === 0
    ? []
    : [
        {
          invariant: "no managed instance left",
          detail: left.map((i) => `${i.instanceId} (${i.state})`).join(", "),
        },
      ];
};

/** Idle runners of the hot warm capacity kept (see keptWarm) may remain; no other Mayfly runner. */
export const noMayflyRunnerLeft: Invariant = (state) => {
  const hot = new Set([...keptWarm(state)].map((id) => `${state.runnerPrefix}${id}`));
  const left = state.runners.filter(
    (r) => r.name.startsWith(state.runnerPrefix) && !(hot.has(r.name) && !r.busy),
  );
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
 *   asking GitHub; only a redelivered message is checked),
 * - spot interruption (the warned instance's job is relaunched, or re-run on a new on-demand instance),
 * - instance of the warm target (launched ahead of any job; a claimed one is replaced, and its job
 *   launched nothing),
 * - job a warm instance served (its replacement; the job's cold launch, made before the warm instance was
 *   ready, may end idle: seed 7205 of the warm profile).
 * Re-runs are not counted as jobs: their launch is the interruption's extra.
 */
export const launchBound: Invariant = (state) => {
  const allowed = state.jobs.filter((j) => j.expect === "allow" && (j.attempt ?? 1) === 1).length;
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
      if (t.spotInterruption) return false;
      const job = state.jobs.find((j) => j.id === t.jobId);
      return job?.expect !== "deny" && job?.runnerAdmits !== false;
    })
    .map((t) => ({
      invariant: "no busy runner terminated before its hard maximum",
      detail: `${t.instanceId} was terminated at ${(t.atMs / 1000).toFixed(1)}s while running job ${t.jobId}`,
    }));

/**
 * A job a spot interruption cut short is re-run exactly once (issue 14): by the time the run settles its
 * failed first attempt has one re-run; a re-run cut short again is not re-run, and the reaper said why.
 */
export const interruptedJobsRerunOnce: Invariant = (state) =>
  state.jobs
    .filter((job) => job.interruption === "cut" && job.status === "completed")
    .flatMap((job) => {
      if ((job.attempt ?? 1) > 1) {
        const reason = state.spotReruns?.get(job.id);
        return reason === "already-a-rerun"
          ? []
          : [
              {
                invariant: "interrupted jobs are re-run once",
                detail: `re-run ${job.id} of job ${job.rerunOf} (${job.note}) was cut short again and ended ${job.conclusion}; the reaper logged ${reason ? `"${reason}"` : "no decision"}, not "already-a-rerun"`,
              },
            ];
      }
      const reruns = state.jobs.filter((j) => j.rerunOf === job.id).length;
      return reruns === 1
        ? []
        : [
            {
              invariant: "interrupted jobs are re-run once",
              detail: `job ${job.id} (${job.note}) was cut short by a spot interruption and ended ${job.conclusion}; ${reruns} re-run(s)`,
            },
          ];
    });

/** Only an interrupted job is re-run, at most once, and a re-run never again (no third attempt). */
export const rerunsOnlyAfterInterruption: Invariant = (state) =>
  state.jobs.flatMap((job) => {
    if ((job.attempt ?? 1) === 1) {
      const reruns = state.jobs.filter((j) => j.rerunOf === job.id).length;
      if (reruns === 0) return [];
      if (reruns > 1 || job.interruption === undefined)
        return [
          {
            invariant: "only interrupted jobs are re-run, once",
            detail: `job ${job.id} (${job.note}; ${job.interruption ?? "never interrupted"}) has ${reruns} re-run(s)`,
          },
        ];
      return [];
    }
    return (job.attempt ?? 1) > 2
      ? [
          {
            invariant: "only interrupted jobs are re-run, once",
            detail: `job ${job.id} is attempt ${job.attempt} of job ${job.rerunOf}`,
          },
        ]
      : [];
  });

/** Every runner is single-job, warm ones included: no instance ran more than one job. */
export const oneJobPerInstance: Invariant = (state) =>
  state.instances
    .filter((i) => (i.jobsRun ?? 0) > 1)
    .map((i) => ({
      invariant: "no instance ran more than one job",
      detail: `${i.instanceId}${i.warm ? ` (warm ${i.warm})` : ""} ran ${i.jobsRun} jobs`,
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
  interruptedJobsRerunOnce,
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
  rerunsOnlyAfterInterruption,
  oneJobPerInstance,
  nothingDeadLettered,
];

export function check(state: ObservedState, invariants: readonly Invariant[] = ALL_INVARIANTS): Violation[] {
  return invariants.flatMap((invariant) => invariant(state));
}
