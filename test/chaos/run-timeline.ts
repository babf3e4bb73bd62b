import type { Sandbox } from "../../sandbox/sandbox.js";
import { type AppCluster, CHAOS_ROLES, type ChaosRole } from "./app-cluster.js";
import type { PlannedFault } from "./fault-plan.js";
import { FaultInjector } from "./inject-fault.js";
import type { ChaosProfile } from "./profiles.js";
import { sleep } from "./sleep.js";
import type { Trace } from "./trace.js";
import type { PlannedJob } from "./workload.js";

/**
 * Plays a run's plan against the world in real time: enqueues and cancels jobs, applies faults and
 * closes their windows, kills roles and starts them again. Resolves once the faults have stopped and every
 * role is running.
 */
export interface TimelineNotes {
  jobs: Map<number, PlannedJob>;
  queuedAtScalerKills: number;
  /** When the webhooks role was SIGKILLed (epoch ms). */
  webhooksKilledAt: number[];
}

export async function runTimeline(
  sandbox: Sandbox,
  cluster: AppCluster,
  trace: Trace,
  profile: ChaosProfile,
  workload: readonly PlannedJob[],
  faults: readonly PlannedFault[],
  notes: TimelineNotes,
): Promise<void> {
  const t0 = Date.now();
  const at = (ms: number, act: () => unknown) => sleep(t0 + ms - Date.now()).then(act);
  const injector = new FaultInjector(sandbox, trace);
  const restarts = new Map<ChaosRole, Promise<void>>();
  const steps: Promise<unknown>[] = [];

  for (const plan of workload) {
    steps.push(
      at(plan.atMs, () => {
        const { repo, labels, durationMs, conclusion, fromFork } = plan;
        const job = sandbox.github.enqueueJob({
          org: sandbox.org,
          repo,
          labels,
          durationMs,
          conclusion,
          fromFork,
        });
        notes.jobs.set(job.id, plan);
        trace.add("runner", `enqueued job ${job.id}: ${plan.note}`);
        if (plan.cancelAtMs !== undefined) {
          void at(plan.cancelAtMs, () => {
            trace.add("runner", `cancelling job ${job.id}`);
            sandbox.github.cancelJob(job.id);
          }).catch((error: unknown) => trace.add("runner", `could not cancel job ${job.id}: ${error}`));
        }
      }),
    );
  }
  for (const fault of faults) {
    if (fault.kind !== "kill") {
      steps.push(
        at(fault.atMs, () => {
          const window = injector.apply(fault);
          if (window) return at(window.untilMs, () => injector.close(window));
        }),
      );
      continue;
    }
    steps.push(
      at(fault.atMs, async () => {
        if (!cluster.isRunning(fault.role) || restarts.has(fault.role)) return;
        if (fault.role === "scaler") notes.queuedAtScalerKills += queuedAllowedJobs(sandbox, notes.jobs);
        if (fault.role === "webhooks") notes.webhooksKilledAt.push(Date.now());
        const killed = cluster.kill(fault.role);
        // A reaper that restarts inside the fault window could redeliver a webhook into a fault, and the
        // redeliverer waits five minutes before retrying a GUID: it comes back once the faults stop.
        const restartAtMs =
          fault.role === "reaper" ? Math.max(fault.restartAtMs, profile.faultsUntilMs) : fault.restartAtMs;
        const restart = killed
          .then(() => at(restartAtMs, () => (fault.role === "reaper" ? restarts.get("webhooks") : undefined)))
          .then(() => cluster.start(fault.role))
          .finally(() => restarts.delete(fault.role));
        restarts.set(fault.role, restart);
        await restart;
      }),
    );
  }
  const { spot } = profile;
  if (spot) {
    steps.push(
      at(profile.faultsFromMs, () => {
        trace.add("fault", `spot interruptions ${JSON.stringify(spot)}`);
        sandbox.ec2.setInterruptionRate(spot);
      }),
    );
  }
  steps.push(
    at(profile.faultsUntilMs, () => {
      injector.closeAll();
      // Instances already warned still terminate when their notice runs out.
      if (spot) {
        trace.add("fault", "end spot interruptions");
        sandbox.ec2.setInterruptionRate({ ...spot, perInstanceHour: 0 });
      }
    }),
  );
  await Promise.all(steps);
  injector.closeAll();
  for (const role of CHAOS_ROLES) if (!cluster.isRunning(role)) await cluster.start(role);
}

function queuedAllowedJobs(sandbox: Sandbox, jobs: ReadonlyMap<number, PlannedJob>): number {
  return [...jobs].filter(
    ([id, plan]) => plan.expect === "allow" && sandbox.github.job(id)?.status === "queued",
  ).length;
}
