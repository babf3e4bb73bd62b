import { ControlError } from "./control-error.js";
import type { EventBus } from "./event-bus.js";
import { newJobRecord, step } from "./job-record.js";
import { pickRunner, runnerIsIdle, waitingJobs } from "./job-routing.js";
import { sendJobWebhook } from "./job-webhooks.js";
import type { JobRecord, OrgRecord, RunnerRecord } from "./records.js";
import { snapshotJob, snapshotRunner } from "./snapshots.js";
import type { Timers } from "./timers.js";
import type { EnqueueJobInput, JobConclusion } from "./types.js";
import type { WebhookSender } from "./webhook-sender.js";
import type { World } from "./world.js";

/**
 * Actions job dispatch as GitHub does it: queued jobs wait, oldest first, for any idle online runner
 * whose labels and group match; an assignment the runner does not start within `assignTimeoutMs`
 * goes back to the queue ("If the runner doesn't pick up the assigned job within 60 seconds, the job is
 * re-queued"); a job queued longer than `maxQueueMs` is cancelled (24 h on GitHub, limits.md).
 */

export interface DispatcherDeps {
  world: World;
  events: EventBus;
  timers: Timers;
  webhooks: WebhookSender;
  now: () => number;
  apiBase: string;
  assignTimeoutMs: number;
  maxQueueMs: number;
  /** Tells the runner side that a runner's situation changed (wake its long poll). */
  wakeRunner: (runner: RunnerRecord) => void;
  /** Removes an ephemeral runner after its job. */
  removeRunner: (runner: RunnerRecord) => void;
}

export class Dispatcher {
  readonly #d: DispatcherDeps;
  readonly #assignTimers = new Map<number, NodeJS.Timeout>();
  readonly #queueTimers = new Map<number, NodeJS.Timeout>();
  /** Queued jobs no runner holds, and the same oldest first (rebuilt when a job joins). */
  readonly #waiting = new Set<JobRecord>();
  #ordered: JobRecord[] | undefined;

  constructor(deps: DispatcherDeps) {
    this.#d = deps;
  }

  enqueue(input: EnqueueJobInput): JobRecord {
    const { world, now } = this.#d;
    const repo = world.repo(input.org, input.repo);
    if (!repo) throw new ControlError(404, `unknown repository ${input.org}/${input.repo}`);
    if (input.labels.length === 0) throw new ControlError(422, "a job needs at least one runs-on label");
    const job = newJobRecord(world.ids, repo, input, now());
    return this.#queue(job);
  }

  /**
   * A re-run of a completed job (POST .../actions/jobs/{id}/rerun): a new job with a new id in the same
   * run, `run_attempt` one higher, queued again with a `queued` webhook (reference/wave2-facts.md).
   */
  rerun(previous: JobRecord): JobRecord {
    const { world, now } = this.#d;
    const input = {
      org: previous.org,
      repo: previous.repo,
      labels: previous.labels,
      durationMs: previous.durationMs,
      conclusion: previous.requestedConclusion,
      fromFork: previous.fromFork,
      workflowName: previous.workflowName,
      jobName: previous.jobName,
    };
    const fresh = newJobRecord(world.ids, previous.repoRecord, input, now());
    const job: JobRecord = { ...fresh, runId: previous.runId, runAttempt: previous.runAttempt + 1 };
    return this.#queue(job);
  }

  /** Queues a new job as GitHub does: waiting, expiring after the queue maximum, a `queued` webhook. */
  #queue(job: JobRecord): JobRecord {
    const { world } = this.#d;
    world.jobs.set(job.id, job);
    this.#waiting.add(job);
    this.#ordered = undefined;
    this.#queueTimers.set(
      job.id,
      this.#d.timers.set(() => this.#expire(job), this.#d.maxQueueMs),
    );
    this.#emit("job.queued", job);
    sendJobWebhook(world, this.#d.webhooks, this.#d.apiBase, job, "queued");
    this.dispatch();
    return job;
  }

  /**
   * Hands waiting jobs to idle runners. Idempotent; call after anything that frees a runner or queues
   * a job. Only the waiting jobs and idle runners are looked at, so bursts stay cheap.
   */
  dispatch(): void {
    const { world } = this.#d;
    if (this.#waiting.size === 0) return;
    const idle = new Map<OrgRecord, RunnerRecord[]>();
    let idleCount = 0;
    for (const runner of world.runners.values()) {
      if (!runnerIsIdle(runner)) continue;
      const list = idle.get(runner.orgRecord) ?? [];
      list.push(runner);
      idle.set(runner.orgRecord, list);
      idleCount++;
    }
    for (const job of this.#inOrder()) {
      if (idleCount === 0) return;
      const candidates = idle.get(job.repoRecord.org);
      if (!candidates?.length || !this.#waiting.has(job)) continue;
      const runner = pickRunner(job, candidates, (r) => world.group(r.orgRecord, r.runnerGroupId));
      if (!runner) continue;
      this.#assign(job, runner);
      candidates.splice(candidates.indexOf(runner), 1);
      idleCount--;
    }
  }

  /** `cancelJob`: a queued job completes cancelled at once; a running job's runner is told to stop. */
  cancel(jobId: number): void {
    const job = this.#d.world.jobs.get(jobId);
    if (!job) throw new ControlError(404, `unknown job ${jobId}`);
    if (job.status === "completed") return;
    if (job.status === "queued") {
      this.#cancelQueued(job);
      return;
    }
    job.cancelRequested = true;
    const runner = job.runnerId === null ? undefined : this.#d.world.runners.get(job.runnerId);
    if (runner) this.#d.wakeRunner(runner);
    // A runner that never acknowledges is stopped anyway, as GitHub force-cancels.
    this.#d.timers.set(() => {
      if (job.status === "in_progress") this.finish(job, "cancelled");
    }, this.#d.assignTimeoutMs);
  }

  /** The runner reports it started the job assigned to it. */
  start(job: JobRecord, runner: RunnerRecord): void {
    const now = this.#d.now();
    this.#clearTimers(job.id, "assign");
    this.#clearTimers(job.id, "queue");
    const group = this.#d.world.group(runner.orgRecord, runner.runnerGroupId);
    Object.assign(job, {
      status: "in_progress",
      startedAt: now,
      assignedRunnerId: null,
      runnerId: runner.id,
      runnerName: runner.name,
      runnerGroupId: runner.runnerGroupId,
      runnerGroupName: group?.name ?? null,
      steps: [step("Set up job", 1, "in_progress", null, now, null)],
    });
    runner.busy = true;
    this.#emit("job.started", job, runner);
    sendJobWebhook(this.#d.world, this.#d.webhooks, this.#d.apiBase, job, "in_progress");
  }

  /** A running job ends; its ephemeral runner is removed. */
  finish(job: JobRecord, reported: JobConclusion): void {
    if (job.status !== "in_progress") return;
    const now = this.#d.now();
    const conclusion: JobConclusion = job.cancelRequested ? "cancelled" : reported;
    const started = job.startedAt ?? now;
    Object.assign(job, {
      status: "completed",
      conclusion,
      completedAt: now,
      steps: [
        step("Set up job", 1, "completed", "success", started, started),
        step("Run workload", 2, "completed", conclusion, started, now),
        step("Complete job", 3, "completed", "success", now, now),
      ],
    });
    const runner = job.runnerId === null ? undefined : this.#d.world.runners.get(job.runnerId);
    if (runner) {
      runner.busy = false;
      runner.jobId = null;
    }
    this.#emit("job.completed", job, runner);
    sendJobWebhook(this.#d.world, this.#d.webhooks, this.#d.apiBase, job, "completed");
    if (runner) this.#d.removeRunner(runner);
  }

  /** The assigned runner vanished or let the assignment time out: the job waits again. */
  requeue(job: JobRecord, runner: RunnerRecord | undefined, declined: boolean): void {
    if (job.status !== "queued" || job.assignedRunnerId === null) return;
    if (runner && job.assignedRunnerId !== runner.id) return;
    this.#clearTimers(job.id, "assign");
    if (runner) {
      if (declined) job.declinedBy.add(runner.id);
      if (runner.jobId === job.id) runner.jobId = null;
      runner.idleSince = this.#d.now();
    }
    job.assignedRunnerId = null;
    job.assignedAt = null;
    job.requeues++;
    this.#waiting.add(job);
    this.#ordered = undefined;
    this.#emit("job.requeued", job, runner);
    this.dispatch();
  }

  stop(): void {
    this.#waiting.clear();
    this.#ordered = undefined;
    this.#assignTimers.clear();
    this.#queueTimers.clear();
  }

  #inOrder(): JobRecord[] {
    if (!this.#ordered || this.#ordered.length > 2 * this.#waiting.size + 64) {
      this.#ordered = waitingJobs(this.#waiting);
    }
    return this.#ordered;
  }

  #assign(job: JobRecord, runner: RunnerRecord): void {
    this.#waiting.delete(job);
    job.assignedRunnerId = runner.id;
    job.assignedAt = this.#d.now();
    runner.jobId = job.id;
    this.#assignTimers.set(
      job.id,
      this.#d.timers.set(() => this.requeue(job, runner, true), this.#d.assignTimeoutMs),
    );
    this.#emit("job.assigned", job, runner);
    this.#d.wakeRunner(runner);
  }

  #cancelQueued(job: JobRecord): void {
    const runner =
      job.assignedRunnerId === null ? undefined : this.#d.world.runners.get(job.assignedRunnerId);
    if (runner && runner.jobId === job.id) {
      runner.jobId = null;
      runner.idleSince = this.#d.now();
    }
    this.#waiting.delete(job);
    this.#clearTimers(job.id, "assign");
    this.#clearTimers(job.id, "queue");
    const now = this.#d.now();
    // Cancelled before a runner took it: runner fields null, no steps, started_at == completed_at
    // (actions-runner-controller#2520, octokit/webhooks#629).
    Object.assign(job, {
      status: "completed",
      conclusion: "cancelled",
      startedAt: now,
      completedAt: now,
      assignedRunnerId: null,
      assignedAt: null,
      steps: [],
    });
    this.#emit("job.completed", job);
    sendJobWebhook(this.#d.world, this.#d.webhooks, this.#d.apiBase, job, "completed");
    if (runner) this.#d.wakeRunner(runner);
    this.dispatch();
  }

  #expire(job: JobRecord): void {
    this.#queueTimers.delete(job.id);
    if (job.status === "queued") this.#cancelQueued(job);
  }

  #clearTimers(jobId: number, kind: "assign" | "queue"): void {
    const map = kind === "assign" ? this.#assignTimers : this.#queueTimers;
    this.#d.timers.clear(map.get(jobId));
    map.delete(jobId);
  }

  #emit(
    type: "job.queued" | "job.assigned" | "job.started" | "job.completed" | "job.requeued",
    job: JobRecord,
    runner?: RunnerRecord,
  ): void {
    this.#d.events.emit({
      type,
      at: this.#d.now(),
      job: snapshotJob(job),
      ...(runner ? { runner: snapshotRunner(runner) } : {}),
    });
  }
}
