import { RunnerClient, type RunnerJob } from "../github/runner-client.js";
import { sleepUnlessAborted } from "../support/sleep.js";
import { replayEnrolment } from "./replay-enrolment.js";
import { parseUserData } from "./user-data.js";

/**
 * The simulated runner agent: what runs "inside" an emulated instance. It does what the image's
 * bootstrap script (infra/runner/bootstrap.sh) and the Actions runner do, over the same protocols: IMDSv2
 * for user-data and the identity document, `POST /bootstrap` for a JIT config, then the GitHub emulator's
 * runner protocol for one job, then `poweroff`. Behaviours let tests make an instance misbehave.
 */
/**
 * normal: one job, then power off. never-bootstrap: the instance boots but never enrols.
 * hang-after-bootstrap: enrols, never connects the runner. stuck-after-job: runs its job but the power-off
 * fails, so the machine stays up (what the reaper's sweep exists for). replay-after-job: the attacker
 * of issue 10 — its job keeps the machine up, reads user-data and the identity document from IMDS, and
 * asks /bootstrap again once GitHub has removed the finished runner (`replay-enrolment.ts`); a config it
 * gets, it runs (another job).
 */
export type AgentBehaviour =
  | "normal"
  | "never-bootstrap"
  | "hang-after-bootstrap"
  | "stuck-after-job"
  | "replay-after-job";

export interface AgentOptions {
  instanceId: string;
  imdsUrl: string;
  powerOff: () => void;
  behaviour?: AgentBehaviour;
  signal: AbortSignal;
  /** Bootstrap retry: first delay and deadline, in ms. */
  backoffMs?: number;
  deadlineMs?: number;
  /** One bootstrap attempt's limit (bootstrap.sh: curl --max-time 30). */
  attemptTimeoutMs?: number;
  pollWaitMs?: number;
  onEvent?: (event: AgentEvent) => void;
  fetch?: typeof fetch;
}

export type AgentEvent =
  | { kind: "bootstrapped"; instanceId: string; runnerName: string }
  | { kind: "warmed-up"; instanceId: string }
  | { kind: "refused"; instanceId: string; status: number }
  | { kind: "job-started"; instanceId: string; jobId: number }
  | { kind: "job-finished"; instanceId: string; jobId: number; conclusion: string }
  | { kind: "powered-off"; instanceId: string; why: string }
  /** The job replayed the enrolment; `url` and `body` are what it stole, to replay off the instance. */
  | { kind: "replayed"; instanceId: string; status: number; url: string; body: string };

export async function runAgent(options: AgentOptions): Promise<void> {
  const { signal } = options;
  const http = scoped(options.fetch ?? fetch, signal);
  const emit = (e: AgentEvent) => options.onEvent?.(e);
  const powerOff = (why: string) => {
    if (signal.aborted) return;
    emit({ kind: "powered-off", instanceId: options.instanceId, why });
    options.powerOff();
  };
  if (options.behaviour === "never-bootstrap") return;

  const imds = await imdsReader(options.imdsUrl, http, signal);
  const values = parseUserData(await imds("/latest/user-data"));
  // A stopped pool's warm-up boot (ADR 0014): the image boots once so its disk is warm, never enrols,
  // and powers off; the launch's shutdown behaviour is `stop`, so the instance waits, stopped.
  if (values.MAYFLY_WARM_UP === "1") {
    emit({ kind: "warmed-up", instanceId: options.instanceId });
    return powerOff("warm-up boot done");
  }
  if (!values.MAYFLY_URL || !values.MAYFLY_BOOTSTRAP_TOKEN)
    return powerOff("user-data lacks MAYFLY_URL or MAYFLY_BOOTSTRAP_TOKEN");
  const document = await imds("/latest/dynamic/instance-identity/document");
  const signature = await imds("/latest/dynamic/instance-identity/signature");
  const lifetime = Number(values.MAYFLY_MAX_LIFETIME_SECONDS ?? "0") * 1000;
  const watchdog =
    lifetime > 0 ? setTimeout(() => powerOff("watchdog: max lifetime reached"), lifetime) : undefined;
  watchdog?.unref();
  signal.addEventListener("abort", () => clearTimeout(watchdog), { once: true });

  const body = JSON.stringify({ token: values.MAYFLY_BOOTSTRAP_TOKEN, identity: { document, signature } });
  // Like infra/runner/bootstrap.sh: ask for the config until the pool's boot timeout, from user-data.
  const bootTimeoutMs = Number(values.MAYFLY_BOOT_TIMEOUT_SECONDS ?? "240") * 1000;
  const deadline = Date.now() + (options.deadlineMs ?? bootTimeoutMs);
  let delay = options.backoffMs ?? 500;
  let config: string | undefined;
  while (!signal.aborted && Date.now() < deadline) {
    // Like the script's curl --max-time: one attempt waits at most 30 s, then the agent asks again.
    const res = await http(`${values.MAYFLY_URL}/bootstrap`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      signal: AbortSignal.timeout(options.attemptTimeoutMs ?? 30_000),
    }).catch(() => undefined);
    if (res?.ok) {
      const answer = (await res.json()) as { encodedJitConfig: string; runnerName: string };
      config = answer.encodedJitConfig;
      emit({ kind: "bootstrapped", instanceId: options.instanceId, runnerName: answer.runnerName });
      break;
    }
    if (res && (res.status === 401 || res.status === 403)) {
      emit({ kind: "refused", instanceId: options.instanceId, status: res.status });
      return powerOff(`bootstrap refused (${res.status})`);
    }
    await res?.body?.cancel();
    await sleepUnlessAborted(delay * (0.5 + Math.random()), signal);
    delay = Math.min(delay * 2, 10_000);
  }
  if (!config) return powerOff("bootstrap deadline passed");
  if (options.behaviour === "hang-after-bootstrap") return;
  await runOneJob(config, options, emit, http);
  if (options.behaviour === "stuck-after-job") return;
  if (options.behaviour === "replay-after-job") {
    if (signal.aborted) return;
    const stolen = await replayEnrolment(imds, http);
    emit({
      kind: "replayed",
      instanceId: options.instanceId,
      status: stolen.status,
      url: stolen.url,
      body: stolen.body,
    });
    if (stolen.config) await runOneJob(stolen.config, options, emit, http);
    return;
  }
  powerOff("runner exited");
}

async function runOneJob(
  config: string,
  options: AgentOptions,
  emit: (e: AgentEvent) => void,
  http: typeof fetch,
): Promise<void> {
  const { signal } = options;
  const client = RunnerClient.forJitConfig(config, { fetch: http });
  const session = await client.connect(config);
  let current: { job: RunnerJob; stop: AbortController; cancelled: boolean } | undefined;
  while (!signal.aborted) {
    const poll = await client.poll(session.sessionId, options.pollWaitMs ?? 2_000).catch((error) => {
      if (signal.aborted) return { kind: "removed" as const };
      throw error;
    });
    if (poll.kind === "removed") return;
    if (poll.kind === "cancel" && current && poll.jobId === current.job.id && !current.cancelled) {
      // Like the real runner: a cancelled job stops now, not when its steps would have ended.
      current.cancelled = true;
      current.stop.abort();
    }
    if (poll.kind === "job" && !current) {
      const job = poll.job;
      await client.start(session.sessionId, job.id);
      emit({ kind: "job-started", instanceId: options.instanceId, jobId: job.id });
      const entry = { job, cancelled: false, stop: new AbortController() };
      current = entry;
      void sleepUnlessAborted(job.durationMs, AbortSignal.any([signal, entry.stop.signal])).then(async () => {
        if (signal.aborted) return;
        const conclusion = entry.cancelled ? "cancelled" : job.conclusion;
        await client.complete(session.sessionId, job.id, conclusion).catch(() => undefined);
        emit({ kind: "job-finished", instanceId: options.instanceId, jobId: job.id, conclusion });
      });
    }
  }
}

/**
 * fetch bound to the instance's lifetime. Each call gets its own child signal: undici leaves an abort
 * listener on the signal it is given until the request is garbage-collected, so passing one
 * long-lived signal to every poll accumulates thousands of listeners.
 */
function scoped(http: typeof fetch, signal: AbortSignal): typeof fetch {
  return async (input, init) => {
    const child = new AbortController();
    const abort = () => child.abort(signal.reason);
    if (signal.aborted) abort();
    else signal.addEventListener("abort", abort, { once: true });
    try {
      const own = init?.signal;
      return await http(input, {
        ...init,
        signal: own ? AbortSignal.any([child.signal, own]) : child.signal,
      });
    } finally {
      signal.removeEventListener("abort", abort);
    }
  };
}

async function imdsReader(base: string, http: typeof fetch, signal: AbortSignal) {
  const res = await http(`${base}/latest/api/token`, {
    method: "PUT",
    headers: { "x-aws-ec2-metadata-token-ttl-seconds": "300" },
    signal,
  });
  if (!res.ok) throw new Error(`IMDS token: ${res.status}`);
  const token = await res.text();
  return async (path: string): Promise<string> => {
    const answer = await http(`${base}${path}`, { headers: { "x-aws-ec2-metadata-token": token }, signal });
    return answer.ok ? answer.text() : "";
  };
}
