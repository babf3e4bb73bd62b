import type { Pool } from "../pool-file.js";
import { instanceIdOf, runnerNameOf } from "./runner-name.js";

export interface ObservedInstance {
  instanceId: string;
  pool: string | undefined;
  state: "pending" | "running" | "shutting-down" | "terminated" | "stopping" | "stopped";
  /** Epoch ms. */
  launchedAt: number;
  /** Its `mayfly:warm` tag: a warm instance not yet claimed for a job (issue 13, ADR 0014). */
  warm?: "hot" | "stopped";
}

export interface ObservedRunner {
  id: number;
  name: string;
  status: "online" | "offline";
  busy: boolean;
}

export interface ReapInput {
  now: number;
  /** This deployment's instances (by tag). */
  instances: readonly ObservedInstance[];
  /** The org's runners whose name starts with runnerPrefix. */
  runners: readonly ObservedRunner[];
  pools: readonly Pool[];
  /** Runner name = runnerPrefix + instanceId. */
  runnerPrefix: string;
  /** Runner name → first time the reaper saw it idle (see trackIdle). */
  idleSince: ReadonlyMap<string, number>;
  /** Runner name → when its job started (from in_progress webhooks), if known. */
  jobStartedAt: ReadonlyMap<string, number>;
  /** Instance ids whose runner the reaper has seen. */
  registered: ReadonlySet<string>;
  /**
   * Ids of this deployment's instances in any state, terminated included (EC2 shows a terminated
   * instance for about an hour): asked by id for the runners in `unexplainedRunners` only.
   */
  knownInstanceIds?: ReadonlySet<string>;
}

export const REAP_REASONS = [
  "boot-timeout",
  "idle-timeout",
  "job-timeout",
  "max-lifetime",
  "runner-without-instance",
  "instance-without-runner",
  "stopped",
  "unknown-pool",
  "rogue-runner",
] as const;
export type ReapReason = (typeof REAP_REASONS)[number];

export type ReapAction =
  /** Remove from GitHub FIRST, then terminate instanceId if given; if GitHub says busy, leave both. */
  | {
      kind: "remove-runner";
      runnerId: number;
      runnerName: string;
      instanceId?: string;
      reason: ReapReason;
      detail: string;
    }
  /** Terminate, then remove the runner if given. */
  | { kind: "terminate"; instanceId: string; runnerId?: number; reason: ReapReason; detail: string };

type Timeouts = Pool["timeouts"];

/** For instances whose pool left the config (or lost its tag): the schema's defaults, all strict. */
const DEFAULT_TIMEOUTS: Timeouts = { boot: 300, idle: 600, job: 6 * 3600 };

/**
 * The reaper's level-triggered decision (DESIGN.md "reaper"; ARC's reconciler): from what exists now,
 * what to remove. No action touches a busy runner's instance before its job passes the job timeout or
 * the instance passes its maximum lifetime (boot + idle + job), whatever else is wrong with it: killing
 * a running job is the failure users of other autoscalers complain about most.
 * Output is sorted (instance actions by instance id, then orphan runners by name), so sweeps diff cleanly.
 */
export function planReap(input: ReapInput): ReapAction[] {
  const pools = new Map(input.pools.map((p) => [p.name, p]));
  const runners = new Map(
    input.runners.filter((r) => r.name.startsWith(input.runnerPrefix)).map((r) => [r.name, r]),
  );
  const claimed = new Set<string>();
  const actions: ReapAction[] = [];
  for (const instance of [...input.instances].sort((a, b) => compare(a.instanceId, b.instanceId))) {
    if (instance.state === "shutting-down" || instance.state === "terminated") continue;
    const runner = runners.get(runnerNameOf(input.runnerPrefix, instance.instanceId));
    if (runner) claimed.add(runner.name);
    const pool = instance.pool === undefined ? undefined : pools.get(instance.pool);
    const action = planInstance(input, instance, runner, warmTimeouts(instance, pool));
    if (action) actions.push(pool || action.reason === "stopped" ? action : unknownPool(action, instance));
  }
  const known = new Set([...input.instances.map((i) => i.instanceId), ...(input.knownInstanceIds ?? [])]);
  for (const runner of [...runners.values()].sort((a, b) => compare(a.name, b.name))) {
    if (claimed.has(runner.name)) continue;
    const instanceId = runner.name.slice(input.runnerPrefix.length);
    if (runner.status === "online" && !known.has(instanceId)) {
      // Online under our name, and no instance of ours ever had it: something else runs this runner
      // (ADR 0008). Removed at once, busy or not; GitHub refuses while busy and the next sweep retries.
      actions.push({
        kind: "remove-runner",
        runnerId: runner.id,
        runnerName: runner.name,
        reason: "rogue-runner",
        detail: `runner ${runner.status}${runner.busy ? ", busy" : ""} with no instance ${instanceId} of this deployment in any state`,
      });
      continue;
    }
    // Busy and online with no instance in the listing: EC2's listing lags; the next sweep will show it.
    if (runner.busy && runner.status === "online") continue;
    actions.push({
      kind: "remove-runner",
      runnerId: runner.id,
      runnerName: runner.name,
      reason: "runner-without-instance",
      detail: `no pending or running instance ${instanceId} (runner ${runner.status}${runner.busy ? ", busy" : ""})`,
    });
  }
  return actions;
}

/**
 * An unclaimed hot runner waits idle on purpose: the idle timeout does not apply (planWarm removes the
 * ones beyond the target). Its backstop is the warm maximum age plus a boot and an idle timeout: planWarm
 * keeps a runner past the maximum age until its replacement is ready (which takes up to a boot timeout,
 * seen at the next sweep), and a backstop at the maximum age itself would leave the pool cold meanwhile.
 */
function warmTimeouts(instance: ObservedInstance, pool: Pool | undefined): Timeouts {
  const t = pool?.timeouts ?? DEFAULT_TIMEOUTS;
  if (instance.warm !== "hot" || !pool?.warm) return t;
  return { ...t, idle: Math.max(t.idle, pool.warm.maxAge + t.boot + t.idle) };
}

function planInstance(
  input: ReapInput,
  instance: ObservedInstance,
  runner: ObservedRunner | undefined,
  t: Timeouts,
): ReapAction | undefined {
  const { instanceId } = instance;
  const age = input.now - instance.launchedAt;
  const maxLifetime = t.boot + t.idle + t.job;
  const pastLifetime = age > maxLifetime * 1000;
  const lifetime = `age ${secs(age)} > max lifetime ${maxLifetime}s (boot + idle + job)`;
  if (runner?.busy) {
    // A stopped machine runs nothing, but GitHub's busy flag only clears when it gives up on the job;
    // the next sweep after that terminates it. Waiting keeps the one invariant above without exceptions.
    const jobAge = input.now - (input.jobStartedAt.get(runner.name) ?? instance.launchedAt);
    if (jobAge > t.job * 1000) {
      const detail = `job ${secs(jobAge)} > job timeout ${t.job}s`;
      return { kind: "terminate", instanceId, runnerId: runner.id, reason: "job-timeout", detail };
    }
    if (pastLifetime) {
      return { kind: "terminate", instanceId, runnerId: runner.id, reason: "max-lifetime", detail: lifetime };
    }
    return undefined;
  }
  if (instance.state === "stopped" || instance.state === "stopping") {
    // A stopped pool's instance waits stopped on purpose; the warm loop owns it (planWarm: max age, excess).
    if (instance.warm === "stopped" && !runner) return undefined;
    const detail = `instance is ${instance.state} (launches set shutdown to terminate)`;
    return runner
      ? { kind: "terminate", instanceId, runnerId: runner.id, reason: "stopped", detail }
      : { kind: "terminate", instanceId, reason: "stopped", detail };
  }
  if (runner) {
    // Removing the runner first means GitHub cannot hand it a job while the instance dies; if a job
    // starts in between, GitHub answers 422 and the reaper leaves both.
    const remove = {
      kind: "remove-runner",
      runnerId: runner.id,
      runnerName: runner.name,
      instanceId,
    } as const;
    const idle = input.now - (input.idleSince.get(runner.name) ?? input.now);
    if (idle > t.idle * 1000) {
      return { ...remove, reason: "idle-timeout", detail: `idle ${secs(idle)} > idle timeout ${t.idle}s` };
    }
    return pastLifetime ? { ...remove, reason: "max-lifetime", detail: lifetime } : undefined;
  }
  if (age <= t.boot * 1000) return undefined;
  return input.registered.has(instanceId)
    ? {
        kind: "terminate",
        instanceId,
        reason: "instance-without-runner",
        detail: `runner gone, instance still up: age ${secs(age)} > boot timeout ${t.boot}s`,
      }
    : {
        kind: "terminate",
        instanceId,
        reason: "boot-timeout",
        detail: `never registered: age ${secs(age)} > boot timeout ${t.boot}s`,
      };
}

/** An instance of a pool no longer in config would be kept forever; the default timeouts caught it. */
function unknownPool(action: ReapAction, instance: ObservedInstance): ReapAction {
  const why = instance.pool === undefined ? "no pool tag" : `pool "${instance.pool}" is not in config`;
  return { ...action, reason: "unknown-pool", detail: `${why}, default timeouts: ${action.detail}` };
}

/**
 * Online runners under our prefix whose instance is not among the live ones: either just terminated (EC2
 * still shows it) or never ours. The sweep asks EC2 about these ids only, so a quiet sweep costs nothing.
 */
export function unexplainedRunners(
  runners: readonly ObservedRunner[],
  instances: readonly Pick<ObservedInstance, "instanceId">[],
  runnerPrefix: string,
): { runner: ObservedRunner; instanceId: string | undefined }[] {
  const live = new Set(instances.map((i) => i.instanceId));
  return runners
    .filter((r) => r.status === "online" && r.name.startsWith(runnerPrefix))
    .map((runner) => ({ runner, instanceId: instanceIdOf(runnerPrefix, runner.name) }))
    .filter(({ instanceId }) => instanceId === undefined || !live.has(instanceId));
}

/**
 * Runner name → when the reaper first saw it idle. Busy runners and runners that are gone drop out, so a
 * runner's idle clock restarts only if it was seen busy in between.
 */
export function trackIdle(
  previous: ReadonlyMap<string, number>,
  runners: readonly ObservedRunner[],
  now: number,
): Map<string, number> {
  const next = new Map<string, number>();
  for (const runner of runners) {
    if (!runner.busy) next.set(runner.name, previous.get(runner.name) ?? now);
  }
  return next;
}

/** Milliseconds as seconds, keeping the fraction so a boundary reads `300.001s > 300s`. */
function secs(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
