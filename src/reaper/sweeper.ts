import type { Logger } from "pino";
import {
  type ObservedRunner,
  planReap,
  type ReapAction,
  trackIdle,
  unexplainedRunners,
} from "../domain/plan-reap.js";
import { instanceIdOf, runnerNameOf } from "../domain/runner-name.js";
import { TAG } from "../domain/tags.js";
import { warmRoleOf } from "../domain/warm-role.js";
import { RunnerBusyError } from "../errors.js";
import type { RunnerJob } from "../events/runner-jobs.js";
import type { OrgRef, Runners } from "../github/runners.js";
import type { Metrics } from "../metrics.js";
import type { Pool } from "../pool-file.js";
import type { Report } from "../report/report.js";
import { type IntervalLoop, intervalLoop } from "../time/interval-loop.js";
import type { Timers } from "../time/timers.js";
import type { Observation } from "./observe.js";
import { runnerStates } from "./runner-states.js";

/** What the sweep needs, declared here (STYLE.md principle 4); wiring passes the real adapters. */
export interface SweeperDeps {
  observe: () => Promise<Observation>;
  /** DescribeInstances by id (terminated included), for runners whose instance is not live. */
  fleet: { describe(instanceIds: readonly string[]): Promise<{ instanceId: string }[]> };
  runners: Pick<Runners, "remove">;
  terminator: { terminate(instanceIds: readonly string[]): Promise<void> };
  pools: readonly Pool[];
  runnerPrefix: string;
  runnerJobs: {
    all(): RunnerJob[];
    get(runnerName: string): RunnerJob | undefined;
    startedAt(): Map<string, number>;
    forget(runnerName: string): void;
  };
  report: Report;
  /** The gauges a sweep sets; counters go through `report`. */
  metrics: Pick<Metrics, "runners" | "rogueRunners">;
  log: Logger;
  now?: () => number;
  /** The periodic loop's timers (default: the real clock). */
  timers?: Timers;
}

export interface Sweeper extends IntervalLoop {
  /** One sweep now: observe, plan, act. */
  sweep(): Promise<{ observation: Observation; actions: ReapAction[] }>;
}

/**
 * The level-triggered sweep (DESIGN.md "reaper"): observe, let `planReap` decide, act. Lost or duplicate
 * messages do no harm because every sweep starts from what exists. Soft state (when a runner was first
 * seen idle, which instances ever registered) only ever delays a removal after a restart, never hastens it.
 */
export function createSweeper(deps: SweeperDeps): Sweeper {
  const now = deps.now ?? Date.now;
  let idleSince = new Map<string, number>();
  const registered = new Set<string>();
  /** Rogue runners already alarmed on, so a busy one raises one alarm, not one per sweep. */
  let alarmed = new Set<string>();

  async function sweep(): Promise<{ observation: Observation; actions: ReapAction[] }> {
    const observation = await deps.observe();
    const at = now();
    const observed: ObservedRunner[] = observation.runners.map(({ id, name, status, busy }) => ({
      id,
      name,
      status,
      busy,
    }));
    idleSince = trackIdle(idleSince, observed, at);
    const live = new Set(observation.instances.map((i) => i.instanceId));
    // Registered = a runner was seen by a sweep, or started a job (in_progress webhook).
    for (const name of [
      ...observation.runners.map((r) => r.name),
      ...deps.runnerJobs.all().map((j) => j.runnerName),
    ]) {
      const instanceId = instanceIdOf(deps.runnerPrefix, name);
      if (instanceId) registered.add(instanceId);
    }
    for (const id of registered) if (!live.has(id)) registered.delete(id);
    // Only runners online without a live instance cost a call: is their instance ours, just terminated?
    const unexplained = unexplainedRunners(observed, observation.instances, deps.runnerPrefix);
    const askIds = unexplained.flatMap((u) => (u.instanceId ? [u.instanceId] : []));
    const knownInstanceIds = new Set(
      askIds.length === 0 ? [] : (await deps.fleet.describe(askIds)).map((i) => i.instanceId),
    );

    const actions = planReap({
      now: at,
      instances: observation.instances.map((i) => ({
        instanceId: i.instanceId,
        pool: i.tags[TAG.pool],
        state: i.state,
        launchedAt: i.launchedAt,
        ...warmRoleOf(i.tags),
      })),
      runners: observed,
      pools: deps.pools,
      runnerPrefix: deps.runnerPrefix,
      idleSince,
      jobStartedAt: deps.runnerJobs.startedAt(),
      registered,
      knownInstanceIds,
    });
    setRunnerGauge(observation);
    alarm(actions);
    await execute(actions, observation);
    return { observation, actions };
  }

  async function execute(actions: ReapAction[], observation: Observation): Promise<void> {
    const refs = new Map(observation.runners.map((r) => [r.name, r.ref]));
    const toTerminate: Array<{ instanceId: string; action: ReapAction }> = [];
    for (const action of actions) {
      if (action.kind === "terminate") {
        toTerminate.push({ instanceId: action.instanceId, action });
        continue;
      }
      const ref = refs.get(action.runnerName);
      if (!ref) continue;
      const removed = await removeRunner(ref, action.runnerId, action);
      if (removed && action.instanceId) toTerminate.push({ instanceId: action.instanceId, action });
      else if (removed)
        record(action, "reap.runner-removed", `removed runner ${action.runnerName}: ${action.detail}`);
    }
    if (toTerminate.length === 0) return;
    await deps.terminator.terminate(toTerminate.map((t) => t.instanceId));
    for (const { instanceId, action } of toTerminate) {
      record(
        action,
        "reap.terminated",
        `terminated ${instanceId} (${action.reason}): ${action.detail}`,
        instanceId,
      );
      const runnerName = runnerNameOf(deps.runnerPrefix, instanceId);
      deps.runnerJobs.forget(runnerName);
      const ref = refs.get(runnerName);
      if (action.kind === "terminate" && action.runnerId && ref)
        await removeRunner(ref, action.runnerId, action, true);
    }
  }

  async function removeRunner(
    ref: OrgRef,
    runnerId: number,
    action: ReapAction,
    afterTerminate = false,
  ): Promise<boolean> {
    try {
      await deps.runners.remove(ref, runnerId);
      return true;
    } catch (error) {
      if (error instanceof RunnerBusyError) {
        // Past the hard maximum the instance is already gone and GitHub will mark the runner offline.
        if (!afterTerminate)
          record(action, "reap.skipped", `runner ${runnerId} became busy; left alone (${action.reason})`);
        return false;
      }
      deps.log.warn(
        { err: error, runnerId, reason: action.reason },
        "could not remove runner; next sweep retries",
      );
      return false;
    }
  }

  function record(
    action: ReapAction,
    kind: "reap.terminated" | "reap.runner-removed" | "reap.skipped",
    message: string,
    instanceId?: string,
  ) {
    deps.report(kind, {
      reason: action.reason,
      message,
      instanceId: instanceId ?? action.instanceId,
      runnerName: action.kind === "remove-runner" ? action.runnerName : undefined,
    });
  }

  /** Rogue runners (ADR 0008): one alarm each while they exist, naming the job they took if known. */
  function alarm(actions: readonly ReapAction[]): void {
    const rogues = actions.filter((a) => a.kind === "remove-runner" && a.reason === "rogue-runner");
    deps.metrics.rogueRunners.set(rogues.length);
    const next = new Set<string>();
    for (const action of rogues) {
      if (action.kind !== "remove-runner") continue;
      next.add(action.runnerName);
      if (alarmed.has(action.runnerName)) continue;
      const job = deps.runnerJobs.get(action.runnerName);
      const took = job ? `; it took job ${job.jobId} of ${job.repo}, whose results are suspect` : "";
      const message = `rogue runner ${action.runnerName}: ${action.detail}${took}`;
      deps.report("runner.rogue", {
        reason: action.reason,
        message,
        runnerName: action.runnerName,
        jobId: job?.jobId,
        org: job?.org,
        repo: job?.repo,
      });
    }
    alarmed = next;
  }

  function setRunnerGauge(observation: Observation): void {
    deps.metrics.runners.reset();
    for (const [key, count] of runnerStates(observation, deps.runnerPrefix)) {
      const [pool = "unknown", state = "unknown"] = key.split("|");
      deps.metrics.runners.set({ pool, state }, count);
    }
  }

  return {
    sweep,
    ...intervalLoop({
      run: sweep,
      firstDelayMs: 1000,
      onError: (error) => deps.log.error({ err: error }, "sweep failed; next sweep retries"),
      timers: deps.timers,
    }),
  };
}
