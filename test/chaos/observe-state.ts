import type { Sandbox } from "../../sandbox/sandbox.js";
import { TAG } from "../../src/domain/tags.js";
import { warmRoleOf } from "../../src/domain/warm-role.js";
import type { AppCluster } from "./app-cluster.js";
import type { ObservedJob, ObservedState } from "./invariants.js";
import type { WorldWatch } from "./watch-world.js";
import { type PlannedJob, poolAdmits } from "./workload.js";

/** What the runner itself noted during a run that the world cannot tell afterwards. */
export interface RunNotes {
  /** Enqueued job id → its plan. */
  jobs: ReadonlyMap<number, PlannedJob>;
  /** Allowed jobs still queued at each scaler kill, summed. */
  queuedAtScalerKills: number;
  /** When the webhooks role was SIGKILLed (epoch ms). */
  webhooksKilledAt: readonly number[];
  /** The warm pool's target, when the run's pool file keeps warm capacity. */
  warmTarget?: { hot: number; stopped: number };
}

/** How long before a SIGKILL an answered delivery's log line may still sit in the process's buffer. */
const LOG_FLUSH_MS = 3_000;

/** Reads the state the invariants judge from the emulators, the app's logs and the run's notes. */
export function observeState(
  sandbox: Sandbox,
  cluster: AppCluster,
  watch: WorldWatch,
  notes: RunNotes,
  runnerPrefix: string,
): ObservedState {
  const attempts = jobAttempts(sandbox, notes);
  const cut = new Set(watch.busyTerminations.filter((t) => t.spotInterruption).map((t) => t.jobId));
  const jobs = attempts.map(({ job, plan, rerunOf }): ObservedJob => {
    const instance = job.runnerName?.startsWith(runnerPrefix)
      ? sandbox.ec2.instance(job.runnerName.slice(runnerPrefix.length))
      : undefined;
    const runnerPool = instance?.tags[TAG.pool];
    const warned = instance !== undefined && (instance.spotInstanceAction ?? instance.tags[TAG.interrupted]);
    const interruption: ObservedJob["interruption"] = cut.has(job.id) ? "cut" : warned ? "warned" : undefined;
    return {
      id: job.id,
      status: job.status,
      conclusion: job.conclusion,
      runnerName: job.runnerName,
      expect: plan.expect,
      ...(runnerPool === undefined ? {} : { runnerAdmits: poolAdmits(runnerPool, plan) }),
      note: `${plan.note}: acme/${plan.repo} [${plan.labels.join(",")}]`,
      ...(job.runAttempt > 1 ? { attempt: job.runAttempt, rerunOf } : {}),
      ...(interruption ? { interruption } : {}),
    };
  });
  const jobsRun = new Map<string, number>();
  for (const j of sandbox.github.jobs())
    if (j.runnerName) jobsRun.set(j.runnerName, (jobsRun.get(j.runnerName) ?? 0) + 1);
  const instances = sandbox.ec2.instances().filter((i) => i.tags[TAG.managedBy] !== undefined);
  const deadLetter = sandbox.sqs.queue("mayfly-dead-letter.fifo");
  const deadLetters = deadLetter
    ? [...deadLetter.visible, ...deadLetter.inFlight, ...deadLetter.delayed]
    : [];
  return {
    runnerPrefix,
    jobs,
    denials: cluster.denials(),
    recordsLostInCrash: recordsLostInCrash(sandbox, cluster, notes),
    caughtOnRunners: cluster.caughtOnRunners(),
    instances: instances.map((i) => ({
      instanceId: i.instanceId,
      state: i.state,
      ...warmRoleOf(i.tags),
      jobsRun: jobsRun.get(`${runnerPrefix}${i.instanceId}`) ?? 0,
    })),
    runners: sandbox.github
      .runners(sandbox.org)
      .map((r) => ({ name: r.name, busy: r.busy, status: r.status })),
    busyTerminations: watch.busyTerminations,
    deadLetters: deadLetters.map((m) => m.body),
    extraAllowance: {
      "queued at a scaler kill": notes.queuedAtScalerKills,
      "refused at bootstrap": sandbox.agents.events.filter((e) => e.kind === "refused").length,
      "runner taken across pools or by a denied job": stolenRunners(sandbox, notes, runnerPrefix),
      "queued webhook accepted after the job started": lateQueuedWebhooks(sandbox, attempts),
      "spot interruption": interruptions(instances),
      ...(notes.warmTarget
        ? {
            "warm target": notes.warmTarget.hot + notes.warmTarget.stopped,
            // The warm loop replaces each warm instance a job took, and that job's cold launch, made
            // before the warm one was ready (GitHub gives a queued job to whichever runner is idle
            // first), may end idle: at most one extra per job a warm instance served.
            "job served by a warm instance": instances.filter(
              (i) =>
                /-(hot|stopped)$/.test(i.tags.Name ?? "") &&
                (jobsRun.get(`${runnerPrefix}${i.instanceId}`) ?? 0) > 0,
            ).length,
          }
        : {}),
    },
    ...(notes.warmTarget ? { warmTarget: notes.warmTarget } : {}),
    spotReruns: cluster.spotReruns(),
  };
}

type GitHubJob = NonNullable<ReturnType<Sandbox["github"]["job"]>>;

/** Each enqueued job and its re-runs (new jobs of the same run with a higher run_attempt), with its plan. */
function jobAttempts(
  sandbox: Sandbox,
  notes: RunNotes,
): { job: GitHubJob; plan: PlannedJob; rerunOf: number }[] {
  const all = sandbox.github.jobs();
  return [...notes.jobs].flatMap(([id, plan]) => {
    const first = sandbox.github.job(id)!;
    const reruns = all
      .filter((j) => j.runId === first.runId && j.id !== id)
      .sort((a, b) => a.runAttempt - b.runAttempt);
    return [first, ...reruns].map((job) => ({ job, plan, rerunOf: id }));
  });
}

/** Instances EC2 warned of a spot interruption (the emulator's instance-action, or the app's tag). */
export function interruptions(
  instances: readonly { spotInstanceAction?: unknown; tags: Record<string, string> }[],
) {
  return instances.filter((i) => i.spotInstanceAction !== undefined || i.tags[TAG.interrupted] !== undefined)
    .length;
}

function stolenRunners(sandbox: Sandbox, notes: RunNotes, prefix: string): number {
  let count = 0;
  for (const { job, plan } of jobAttempts(sandbox, notes)) {
    const runnerName = job.runnerName;
    if (!runnerName?.startsWith(prefix)) continue;
    const pool = sandbox.ec2.instance(runnerName.slice(prefix.length))?.tags[TAG.pool];
    if (plan.expect === "deny" || pool !== plan.pool) count++;
  }
  return count;
}

/** Every `queued` webhook attempt the app answered 2xx, oldest first. */
function acceptedQueued(sandbox: Sandbox): { jobId: number; deliveredAt: number; answeredAt: number }[] {
  return sandbox.github.deliveries().flatMap((d) => {
    const jobId = (d.payload as { workflow_job?: { id?: number } }).workflow_job?.id;
    const ok =
      d.event === "workflow_job" && d.action === "queued" && d.statusCode >= 200 && d.statusCode < 300;
    return ok && jobId !== undefined
      ? [{ jobId, deliveredAt: d.deliveredAt, answeredAt: d.deliveredAt + d.durationMs }]
      : [];
  });
}

function lateQueuedWebhooks(
  sandbox: Sandbox,
  attempts: readonly { job: GitHubJob; plan: PlannedJob }[],
): number {
  const firstAccepted = new Map<number, number>();
  for (const d of acceptedQueued(sandbox))
    if (!firstAccepted.has(d.jobId)) firstAccepted.set(d.jobId, d.deliveredAt);
  let count = 0;
  for (const { job, plan } of attempts) {
    const accepted = firstAccepted.get(job.id);
    const began = job?.startedAt ?? job?.completedAt;
    if (plan.expect === "allow" && accepted !== undefined && began != null && accepted > began) count++;
  }
  return count;
}

/** Refused jobs with no denial logged whose `queued` webhook was answered 2xx just before a webhooks kill. */
function recordsLostInCrash(sandbox: Sandbox, cluster: AppCluster, notes: RunNotes): Set<number> {
  const lost = new Set<number>();
  for (const { jobId, answeredAt } of acceptedQueued(sandbox)) {
    if (notes.jobs.get(jobId)?.expect !== "deny" || cluster.denials().has(jobId)) continue;
    if (notes.webhooksKilledAt.some((k) => k >= answeredAt && k - answeredAt <= LOG_FLUSH_MS))
      lost.add(jobId);
  }
  return lost;
}
