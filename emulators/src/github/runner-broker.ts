import { ControlError } from "./control-error.js";
import type { Dispatcher } from "./dispatcher.js";
import type { EventBus } from "./event-bus.js";
import { hex } from "./ids.js";
import type { OrgRecord, RunnerGroupRecord, RunnerRecord } from "./records.js";
import { runnerLabels } from "./runner-labels.js";
import { type PollAnswer, RunnerSessions } from "./runner-sessions.js";
import { snapshotRunner } from "./snapshots.js";
import type { Timers } from "./timers.js";
import { JOB_CONCLUSIONS, type JobConclusion } from "./types.js";
import type { World } from "./world.js";

/**
 * The runner side: JIT runners created by `generate-jitconfig`, and the emulator's stand-in for the
 * private broker protocol the real runner speaks (connect once with the JIT config, long-poll for a job
 * or a cancel, report start and completion). A runner is online while it keeps polling; a session quiet
 * for `offlineAfterMs` goes offline, except while it runs a job (the real runner renews its job lock),
 * until the job overstays its duration by that margin: then the job fails, as when GitHub loses a runner.
 */

interface JitConfig {
  runnerId: number;
  name: string;
  org: string;
  url: string;
  secret: string;
}

export class RunnerBroker {
  readonly sessions: RunnerSessions;
  readonly #world: World;
  readonly #events: EventBus;
  readonly #timers: Timers;
  readonly #now: () => number;
  readonly #url: string;
  readonly #offlineAfterMs: number;
  readonly #offlineTimers = new Map<number, NodeJS.Timeout>();
  #dispatcher: Dispatcher | undefined;

  constructor(deps: {
    world: World;
    events: EventBus;
    timers: Timers;
    now: () => number;
    url: string;
    offlineAfterMs: number;
  }) {
    this.#world = deps.world;
    this.#events = deps.events;
    this.#timers = deps.timers;
    this.#now = deps.now;
    this.#url = deps.url;
    this.#offlineAfterMs = deps.offlineAfterMs;
    this.sessions = new RunnerSessions(deps.timers);
  }

  attach(dispatcher: Dispatcher): void {
    this.#dispatcher = dispatcher;
  }

  create(
    org: OrgRecord,
    group: RunnerGroupRecord,
    name: string,
    labels: string[],
  ): { runner: RunnerRecord; encodedJitConfig: string } {
    const now = this.#now();
    const { labels: runnerLabelList, os } = runnerLabels(labels, (n) => this.#world.labelId(n));
    const runner: RunnerRecord = {
      id: this.#world.ids.runner.next(),
      name,
      org: org.login,
      orgRecord: org,
      runnerGroupId: group.id,
      labels: runnerLabelList,
      os,
      status: "offline",
      busy: false,
      ephemeral: true,
      jobId: null,
      createdAt: now,
      connectedAt: null,
      removedAt: null,
      secret: hex(32),
      configUsed: false,
      sessionId: null,
      idleSince: now,
    };
    this.#world.runners.set(runner.id, runner);
    const config: JitConfig = {
      runnerId: runner.id,
      name,
      org: org.login,
      url: this.#url,
      secret: runner.secret,
    };
    this.#emit("runner.created", runner);
    return { runner, encodedJitConfig: Buffer.from(JSON.stringify(config)).toString("base64") };
  }

  /** Deregisters a runner (API delete, or an ephemeral runner after its job). */
  remove(runner: RunnerRecord): void {
    if (!this.#world.runners.delete(runner.id)) return;
    runner.removedAt = this.#now();
    runner.status = "offline";
    this.#clearOffline(runner);
    const job = runner.jobId === null ? undefined : this.#world.jobs.get(runner.jobId);
    if (job?.status === "queued") this.#dispatch().requeue(job, runner, false);
    this.sessions.close(runner.sessionId);
    this.#emit("runner.removed", runner);
  }

  connect(encoded: unknown): { runnerId: number; sessionId: string; name: string } {
    const config = decodeConfig(encoded);
    const runner = this.#world.runners.get(config.runnerId);
    if (!runner || runner.secret !== config.secret)
      throw new ControlError(401, "the runner registration has been deleted");
    if (runner.configUsed) throw new ControlError(401, "this JIT config has already been used");
    const now = this.#now();
    const session = this.sessions.open(runner.id, now);
    Object.assign(runner, { configUsed: true, sessionId: session.id, connectedAt: now, idleSince: now });
    this.#seen(runner);
    this.#armOffline(runner, this.#offlineAfterMs);
    return { runnerId: runner.id, sessionId: session.id, name: runner.name };
  }

  async poll(sessionId: string, waitMs: number): Promise<PollAnswer> {
    const session = this.sessions.get(sessionId);
    if (!session) throw new ControlError(404, "unknown session");
    const runner = this.#world.runners.get(session.runnerId);
    if (session.closed || !runner) return { kind: "removed" };
    this.#seen(runner);
    const answer = await this.sessions.wait(session, waitMs, () => this.#answer(runner));
    if (this.#world.runners.has(runner.id)) this.#armOffline(runner, this.#offlineAfterMs);
    return answer;
  }

  start(sessionId: string, jobId: number): void {
    const runner = this.#sessionRunner(sessionId);
    const job = this.#world.jobs.get(jobId);
    if (!job) throw new ControlError(404, `unknown job ${jobId}`);
    if (job.status === "in_progress" && job.runnerId === runner.id) return;
    if (job.status !== "queued" || job.assignedRunnerId !== runner.id) {
      throw new ControlError(409, `job ${jobId} is not assigned to runner ${runner.name} (${job.status})`);
    }
    this.#dispatch().start(job, runner);
  }

  complete(sessionId: string, jobId: number, conclusion: unknown): void {
    if (!JOB_CONCLUSIONS.includes(conclusion as JobConclusion)) {
      throw new ControlError(400, `conclusion must be one of ${JOB_CONCLUSIONS.join(", ")}`);
    }
    const runner = this.#sessionRunner(sessionId);
    const job = this.#world.jobs.get(jobId);
    if (!job) throw new ControlError(404, `unknown job ${jobId}`);
    if (job.status !== "in_progress" || job.runnerId !== runner.id) {
      throw new ControlError(409, `job ${jobId} is not running on runner ${runner.name} (${job.status})`);
    }
    this.#dispatch().finish(job, conclusion as JobConclusion);
  }

  wake(runner: RunnerRecord): void {
    this.sessions.wake(runner.sessionId);
  }

  stop(): void {
    this.sessions.releaseAll();
    this.#offlineTimers.clear();
  }

  #answer(runner: RunnerRecord): PollAnswer | undefined {
    if (!this.#world.runners.has(runner.id)) return { kind: "removed" };
    const job = runner.jobId === null ? undefined : this.#world.jobs.get(runner.jobId);
    if (!job) return undefined;
    if (job.status === "in_progress" && job.cancelRequested) return { kind: "cancel", jobId: job.id };
    if (job.status === "queued" && job.assignedRunnerId === runner.id) {
      const { id, labels, durationMs, requestedConclusion, repo, org, runId } = job;
      return {
        kind: "job",
        job: { id, labels, durationMs, conclusion: requestedConclusion, repo, org, runId },
      };
    }
    return undefined;
  }

  #sessionRunner(sessionId: string): RunnerRecord {
    const session = this.sessions.get(sessionId);
    if (!session) throw new ControlError(404, "unknown session");
    const runner = this.#world.runners.get(session.runnerId);
    if (session.closed || !runner) throw new ControlError(410, "the runner has been removed");
    return runner;
  }

  /** The runner showed a sign of life: online (again), and maybe able to take a job. */
  #seen(runner: RunnerRecord): void {
    this.#clearOffline(runner);
    if (runner.status === "online") return;
    runner.status = "online";
    this.#emit("runner.online", runner);
    this.#dispatch().dispatch();
  }

  #armOffline(runner: RunnerRecord, ms: number): void {
    this.#clearOffline(runner);
    this.#offlineTimers.set(
      runner.id,
      this.#timers.set(() => this.#quiet(runner), ms),
    );
  }

  #quiet(runner: RunnerRecord): void {
    this.#offlineTimers.delete(runner.id);
    if (!this.#world.runners.has(runner.id) || this.sessions.isWaiting(runner.sessionId)) return;
    const job = runner.jobId === null ? undefined : this.#world.jobs.get(runner.jobId);
    if (job?.status === "in_progress") {
      const deadline = (job.startedAt ?? 0) + job.durationMs + this.#offlineAfterMs;
      const now = this.#now();
      if (now < deadline) {
        this.#armOffline(runner, deadline - now);
        return;
      }
      runner.status = "offline";
      this.#emit("runner.offline", runner);
      this.#dispatch().finish(job, "failure");
      return;
    }
    runner.status = "offline";
    this.#emit("runner.offline", runner);
    if (job?.status === "queued") this.#dispatch().requeue(job, runner, false);
  }

  #clearOffline(runner: RunnerRecord): void {
    this.#timers.clear(this.#offlineTimers.get(runner.id));
    this.#offlineTimers.delete(runner.id);
  }

  #dispatch(): Dispatcher {
    if (!this.#dispatcher) throw new Error("RunnerBroker used before attach()");
    return this.#dispatcher;
  }

  #emit(
    type: "runner.created" | "runner.online" | "runner.offline" | "runner.removed",
    runner: RunnerRecord,
  ): void {
    this.#events.emit({ type, at: this.#now(), runner: snapshotRunner(runner) });
  }
}

function decodeConfig(encoded: unknown): JitConfig {
  if (typeof encoded !== "string" || encoded.length === 0) {
    throw new ControlError(400, "encoded_jit_config is required");
  }
  try {
    const config = JSON.parse(Buffer.from(encoded, "base64").toString("utf8")) as Partial<JitConfig>;
    if (typeof config.runnerId === "number" && typeof config.secret === "string") return config as JitConfig;
  } catch {
    // Falls through to the error below.
  }
  throw new ControlError(400, "encoded_jit_config is not a JIT config issued by this emulator");
}
