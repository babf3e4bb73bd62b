import type { Logger } from "pino";
import type { InterruptionMarker } from "../aws/ec2-mark-interrupted.js";
import { interruptedAt } from "../aws/ec2-mark-interrupted.js";
import type { Fleet } from "../aws/fleet.js";
import { planInterruption } from "../domain/plan-interruption.js";
import { runnerNameOf } from "../domain/runner-name.js";
import { TAG } from "../domain/tags.js";
import { RunnerBusyError } from "../errors.js";
import type { Installations } from "../github/installations.js";
import type { Runners } from "../github/runners.js";
import type { Outcome } from "../queue/consumer.js";
import type { Ec2Notice } from "../queue/ec2-event.js";
import type { Report } from "../report/report.js";

export interface InterruptionDeps {
  fleet: Pick<Fleet, "describe">;
  marker: InterruptionMarker;
  runners: Pick<Runners, "find" | "remove">;
  installations: Pick<Installations, "list">;
  terminator: { terminate(instanceIds: readonly string[]): Promise<void> };
  report: Report;
  runnerPrefix: string;
  log: Logger;
}

/**
 * EC2's events on the reap queue (issue 14; ADR 0015). A spot interruption warning for one of this
 * deployment's instances marks it (tag), reports it, and when no job would be lost (no runner yet, or an
 * idle one) removes the runner and terminates the instance at once; a busy runner is left to finish in the
 * two minutes if it can (its job is re-run by the completion if not). Rebalance recommendations are
 * reported only; state changes are left to the sweep, which already reconciles them. Every event for an
 * instance that is not ours (EventBridge cannot filter on tags) is acknowledged and dropped.
 */
export function createInterruptionHandler(deps: InterruptionDeps): (notice: Ec2Notice) => Promise<Outcome> {
  return async function handle(notice) {
    if (notice.kind === "state-change") return { kind: "ack" };
    const [instance] = await deps.fleet.describe([notice.instanceId]);
    const pool = instance?.tags[TAG.pool] ?? "";
    if (notice.kind === "rebalance") {
      if (instance?.market === "spot") {
        deps.report("spot.rebalance", {
          pool,
          instanceId: notice.instanceId,
          message: `EC2 recommends rebalancing ${notice.instanceId} (pool ${pool}): an interruption may follow`,
        });
      }
      return { kind: "ack" };
    }
    const org = instance?.tags[TAG.org];
    const installation = org ? (await deps.installations.list()).find((i) => i.org === org) : undefined;
    const ref = installation && org ? { installationId: installation.installationId, org } : undefined;
    const runnerName = runnerNameOf(deps.runnerPrefix, notice.instanceId);
    // Marked before looking for its runner: bootstrap refuses a marked instance, so one still enrolling
    // either shows its runner here or never gets one (seeds 7101, 7107 of the spot chaos profile). A
    // redelivered warning keeps the first time, so the breaker counts the interruption once.
    if (instance?.market === "spot" && interruptedAt(instance.tags) === undefined)
      await deps.marker.mark(notice.instanceId, notice.at);
    const runner = ref && instance?.market === "spot" ? await deps.runners.find(ref, runnerName) : undefined;
    const plan = planInterruption(
      instance && {
        market: instance.market,
        state: instance.state,
        marked: interruptedAt(instance.tags) !== undefined,
      },
      runner,
    );
    if (plan.kind === "ignore") {
      deps.log.debug({ instanceId: notice.instanceId, reason: plan.reason }, "interruption warning ignored");
      return { kind: "ack" };
    }
    deps.report("spot.interrupted", {
      pool,
      reason: plan.reason,
      org,
      instanceId: notice.instanceId,
      runnerName,
      message:
        plan.action === "leave"
          ? `spot interruption warning for ${notice.instanceId} (pool ${pool}): its runner is busy and may finish in the two minutes; if not, the job is re-run on on-demand`
          : `spot interruption warning for ${notice.instanceId} (pool ${pool}): no job on it, removed now`,
    });
    if (plan.action === "leave") return { kind: "ack" };
    if (runner && ref) {
      try {
        await deps.runners.remove(ref, runner.id);
      } catch (error) {
        // It took a job since we looked: leave it to finish, as for a busy runner.
        if (error instanceof RunnerBusyError) return { kind: "ack" };
        throw error;
      }
    }
    await deps.terminator.terminate([notice.instanceId]);
    deps.report("reap.terminated", {
      reason: "spot-interrupted",
      org,
      instanceId: notice.instanceId,
      runnerName,
      message: `terminated ${notice.instanceId} at its spot interruption warning (no job on it)`,
    });
    return { kind: "ack" };
  };
}
