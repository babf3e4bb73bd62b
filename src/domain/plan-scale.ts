import {
  CapacityError,
  LaunchConfigError,
  LaunchTokenReusedError,
  QuotaError,
  ThrottledError,
} from "../errors.js";
import type { JobStatus } from "./job-status.js";
import { decideRecheck } from "./recheck.js";
import { retryDelaySeconds } from "./retry-delay.js";

/**
 * The scaler's decision for one delivery of a scale message (DESIGN.md "The flow", step 2; ADR 0006).
 * Pure: everything it knows arrives in `ScaleFacts`, observed afresh on every delivery from the message,
 * SQS's receive count, EC2 tags (launches made for the job, pool occupancy) and GitHub, so two replicas
 * given the same delivery decide alike. When it needs a fact that costs a call it says so
 * (`ask-github`, `count-spare`); the scaler fetches it and asks again.
 */

/** SQS FIFO deduplicates a MessageDeduplicationId for 5 minutes; a later copy is a new message. */
export const DEDUP_WINDOW_SECONDS = 300;

export interface ScaleFacts {
  now: number;
  /** The job's `created_at`, epoch ms. */
  jobCreatedAt: number;
  /** SQS ApproximateReceiveCount of this delivery (1 = first). */
  receiveCount: number;
  /** Launches already made for this job (distinct `mayfly:launch` ids among instances tagged with it). */
  launches: number;
  /**
   * Instances launched for this job that are alive but have not enrolled (no `mayfly:enrolled` tag):
   * they wait for a JIT config and will register and take a queued job of their labels.
   */
  awaitingConfig: number;
  /**
   * The pool's instances (for any job) alive and not enrolled: runners to come, any of which GitHub will
   * hand this job if it is still queued (a pool's runners all carry its labels). Undefined: not counted.
   */
  poolAwaitingConfig?: number;
  /** Most launches one job may get (the pool's `maxLaunchesPerJob`, else MAYFLY_MAX_LAUNCHES_PER_JOB). */
  maxLaunches: number;
  /** The pool is under its max now. */
  room: boolean;
  /** The installation's enrolment budget has a launch to spare now. */
  enrolment: boolean;
  /** The installation's recheck budget has a GET now, and if not, when it will. */
  rechecks: { available: boolean; secondsUntilNext: number };
  checkJobQueued: boolean;
  recheckIntervalSeconds: number;
  /** The job as GitHub reports it, once asked; `spare` once counted (booting or idle runners of the pool). */
  job?: { status: JobStatus; spare?: number };
  /** Uniform in [0, 1): the jitter of any delay. */
  jitter: number;
  /**
   * The pool's warm capacity for the job's org (issue 13), when the pool has a `warm` key: idle hot
   * runners not yet spoken for, stopped instances that may be claimed, and hot runners that turned
   * busy (one may have taken this very job before its message arrived: GitHub assigns in milliseconds).
   */
  warm?: { hot: number; stopped: number; busyHot?: number };
}

export type ScalePlan =
  | { kind: "ask-github"; reason: string }
  | { kind: "count-spare"; reason: string }
  | { kind: "launch"; reason: string }
  /** Start one of the pool's stopped instances for the job; if none can be claimed, launch cold. */
  | { kind: "claim-stopped"; reason: string }
  /**
   * An idle hot runner takes the job (GitHub gives a queued job to an idle runner whose labels match):
   * nothing to launch. Come back after `afterSeconds` to check it started (another job may have taken
   * that runner first); undefined when the scaler does not check GitHub.
   */
  | { kind: "hot"; afterSeconds?: number; reason: string }
  | { kind: "ack"; reason: string }
  | { kind: "retry"; afterSeconds: number; reason: string }
  /** A retry because the pool is full; the scaler also tells the dashboard the pool's jobs wait. */
  | { kind: "at-cap"; afterSeconds: number; reason: string }
  | { kind: "give-up"; reason: string }
  | { kind: "dead-letter"; reason: string };

const AT_CAP_RETRY = { baseSeconds: 5, capSeconds: 30 };
const ENROLMENT_RETRY = { baseSeconds: 5, capSeconds: 15 };
const THROTTLE_RETRY = { baseSeconds: 2, capSeconds: 60 };
const CAPACITY_RETRY = { baseSeconds: 15, capSeconds: 300 };
/** GitHub assigns a job to an idle runner within a second or two; a job still queued after this lost it. */
export const HOT_RECHECK_SECONDS = 5;

export function planScale(f: ScaleFacts): ScalePlan {
  const waited = Math.max(0, (f.now - f.jobCreatedAt) / 1000);
  const random = () => f.jitter;
  // A redelivery, a job EC2 shows launches for, or one older than the dedup window (a late duplicate
  // the queue could not collapse) may already have its runner: GitHub is asked before launching.
  const asks = f.checkJobQueued && (f.receiveCount > 1 || f.launches > 0 || waited > DEDUP_WINDOW_SECONDS);
  const launched = `${f.launches} launch(es) so far`;
  // GitHub can tell nothing while the job's instance waits for its config: the job is queued, and that
  // instance will register and take it (or another of its labels). Ask once it has enrolled or is gone
  // (issue 15: the burst spent 0.26 GETs a job asking about jobs whose instances were still waiting).
  if (f.job === undefined && asks && f.launches > 0 && f.awaitingConfig > 0) {
    return retry(
      recheckDelay(f, waited),
      `${launched}; ${f.awaitingConfig} instance(s) still waiting for a config`,
    );
  }
  // Its own instance took another job, but the pool's other instances still wait for configs: a job still
  // queued would be taken by one of them, so whatever GitHub answered (queued with a spare runner, or
  // started) nothing would be launched. Ask once none is left (issue 15: 30 such GETs in the burst).
  if (f.job === undefined && asks && f.launches > 0 && (f.poolAwaitingConfig ?? 0) > 0) {
    return retry(
      recheckDelay(f, waited),
      `${launched}; ${f.poolAwaitingConfig} instance(s) of the pool still waiting for a config`,
    );
  }
  if (f.job === undefined && asks && f.launches > 0) {
    if (f.rechecks.available) return { kind: "ask-github", reason: `${launched}; is the job still queued?` };
    // It may well be running: never relaunch unasked, look again once a GET is available.
    const wait = Math.max(f.rechecks.secondsUntilNext, 1);
    const later = recheckDelay(f, waited);
    const afterSeconds = later < wait ? wait + f.jitter * wait : later;
    return retry(afterSeconds, `recheck budget spent; ${launched}`);
  }
  if (f.job !== undefined) {
    if (f.job.status === "queued" && f.launches > 0 && f.job.spare === undefined) {
      return { kind: "count-spare", reason: `job queued after ${launched}; may a spare runner take it?` };
    }
    const decision = decideRecheck({
      jobStatus: f.job.status,
      spareRunners: f.job.spare ?? 0,
      waitedSeconds: waited,
    });
    if (decision.action === "ack") return { kind: "ack", reason: decision.reason };
    if (decision.action === "wait") return retry(recheckDelay(f, waited), decision.reason);
  }
  if (f.launches >= f.maxLaunches) {
    return {
      kind: "give-up",
      reason: `no runner after ${f.launches} launch(es) (at most ${f.maxLaunches} per job); launching no more`,
    };
  }
  // Warm capacity first (issue 13). Hot needs no room or enrolment: the runner exists. Only a job's first
  // delivery goes hot; on its recheck a job still queued is launched for (stopped, else cold).
  if ((f.warm?.hot ?? 0) > 0 && f.receiveCount === 1 && f.launches === 0 && f.job?.status !== "missing") {
    const reason = `${f.warm?.hot} idle hot runner(s) in the pool: nothing to launch`;
    return f.checkJobQueued
      ? { kind: "hot", afterSeconds: Math.ceil(HOT_RECHECK_SECONDS * (1 + f.jitter)), reason }
      : { kind: "hot", reason };
  }
  if (
    (f.warm?.busyHot ?? 0) > 0 &&
    f.job === undefined &&
    f.launches === 0 &&
    f.checkJobQueued &&
    f.rechecks.available
  ) {
    return {
      kind: "ask-github",
      reason: `${f.warm?.busyHot} hot runner(s) turned busy; did one take this job?`,
    };
  }
  if (!f.room) {
    return {
      kind: "at-cap",
      afterSeconds: retryDelaySeconds(1, { ...AT_CAP_RETRY, random }),
      reason: "pool at max runners",
    };
  }
  if (f.job === undefined && asks && f.rechecks.available) {
    const why =
      f.receiveCount > 1 ? "redelivered" : `job queued ${Math.round(waited)}s ago (past the dedup window)`;
    return { kind: "ask-github", reason: `${why}; is the job still queued?` };
  }
  // A job that never launched is launched unasked when the budget is spent: at worst one idle runner.
  if (!f.enrolment) {
    return retry(retryDelaySeconds(1, { ...ENROLMENT_RETRY, random }), "waiting for enrolment capacity");
  }
  const nth = `${f.launches + 1} of at most ${f.maxLaunches}`;
  if ((f.warm?.stopped ?? 0) > 0) {
    return {
      kind: "claim-stopped",
      reason: `start a stopped instance (${f.warm?.stopped} ready): launch ${nth}`,
    };
  }
  return { kind: "launch", reason: `launch ${nth}` };
}

/** After a launch: recheck later that the job started (no job waits forever), or done. */
export function planAfterLaunch(f: ScaleFacts): ScalePlan {
  if (!f.checkJobQueued) return { kind: "ack", reason: "launched" };
  return retry(
    recheckDelay(f, Math.max(0, (f.now - f.jobCreatedAt) / 1000)),
    "launched; recheck that the job started",
  );
}

/** A launch (or a call on the way to it) failed: when to come back, or why not to. */
export function planLaunchFailure(error: Error, receiveCount: number, jitter: number): ScalePlan {
  const random = () => jitter;
  const backoff = (options: { baseSeconds: number; capSeconds: number }) =>
    retryDelaySeconds(receiveCount, { ...options, random });
  // A reused token is ours to fix, not the admin's: the next delivery derives a new one.
  if (error instanceof LaunchTokenReusedError) {
    return retry(backoff(THROTTLE_RETRY), "launch token reused; retrying with a new one");
  }
  if (error instanceof LaunchConfigError) {
    return { kind: "dead-letter", reason: `launch configuration error: ${error.message}` };
  }
  if (error instanceof ThrottledError) {
    return retry(Math.max(error.retryAfterMs / 1000, backoff(THROTTLE_RETRY)), "throttled");
  }
  if (error instanceof CapacityError || error instanceof QuotaError) {
    return retry(backoff(CAPACITY_RETRY), `${error.name}: ${error.message}`);
  }
  return retry(backoff(THROTTLE_RETRY), `${error.name}: ${error.message}`);
}

/**
 * Rechecks come every recheck interval while a job is young, then stretch to a quarter of its age (at
 * most 15 min), so a job waiting hours for an approval costs a few GETs an hour, not one a minute.
 */
function recheckDelay(f: ScaleFacts, waitedSeconds: number): number {
  return Math.min(900, Math.max(f.recheckIntervalSeconds, waitedSeconds / 4));
}

function retry(seconds: number, reason: string): ScalePlan {
  return { kind: "retry", afterSeconds: Math.ceil(seconds), reason };
}
