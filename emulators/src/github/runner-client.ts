/**
 * A typed client for the GitHub emulator's runner protocol, for the simulated runner agent. The real
 * runner's broker protocol is private; this stands in for it:
 *   POST /_emulator/runner/connect { encoded_jit_config } → { runnerId, sessionId, name } (once per config)
 *   GET  /_emulator/runner/{sessionId}/poll?waitMs=…     → 200 { job } | 200 { cancel } | 204 | 410 removed
 *   POST /_emulator/runner/{sessionId}/jobs/{jobId}/start
 *   POST /_emulator/runner/{sessionId}/jobs/{jobId}/complete { conclusion }
 * Keep polling while a job runs to hear about cancellation.
 */

export interface RunnerJob {
  id: number;
  labels: string[];
  durationMs: number;
  conclusion: "success" | "failure";
  /** Repository name. */
  repo: string;
  org: string;
  runId: number;
}

export type RunnerPoll =
  | { kind: "job"; job: RunnerJob }
  | { kind: "cancel"; jobId: number }
  | { kind: "idle" }
  /** The runner was deregistered (its job finished, or someone deleted it): exit. */
  | { kind: "removed" };

export interface RunnerConnection {
  runnerId: number;
  sessionId: string;
  name: string;
}

export class RunnerProtocolError extends Error {
  override name = "RunnerProtocolError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** What the emulator packs into `encoded_jit_config` (base64 JSON). */
export interface EmulatorJitConfig {
  runnerId: number;
  name: string;
  org: string;
  /** The emulator's base URL. */
  url: string;
}

export function decodeJitConfig(encoded: string): EmulatorJitConfig {
  const value = JSON.parse(Buffer.from(encoded, "base64").toString("utf8")) as Partial<EmulatorJitConfig>;
  if (typeof value.runnerId !== "number" || typeof value.url !== "string" || typeof value.name !== "string") {
    throw new RunnerProtocolError(400, "not a JIT config issued by the GitHub emulator");
  }
  return { runnerId: value.runnerId, name: value.name, org: String(value.org ?? ""), url: value.url };
}

export class RunnerClient {
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;

  /** `baseUrl`: the emulator URL; defaults to the one inside the JIT config on connect(). */
  constructor(baseUrl: string, options: { fetch?: typeof fetch } = {}) {
    this.#baseUrl = baseUrl.replace(/\/+$/, "");
    this.#fetch = options.fetch ?? fetch;
  }

  static forJitConfig(encodedJitConfig: string, options: { fetch?: typeof fetch } = {}): RunnerClient {
    return new RunnerClient(decodeJitConfig(encodedJitConfig).url, options);
  }

  async connect(encodedJitConfig: string): Promise<RunnerConnection> {
    const res = await this.#call("POST", "/runner/connect", { encoded_jit_config: encodedJitConfig });
    return (await res.json()) as RunnerConnection;
  }

  async poll(sessionId: string, waitMs = 10_000, signal?: AbortSignal): Promise<RunnerPoll> {
    const path = `/runner/${encodeURIComponent(sessionId)}/poll?waitMs=${Math.max(0, Math.round(waitMs))}`;
    const res = await this.#call("GET", path, undefined, signal, [204, 410]);
    if (res.status === 204) return { kind: "idle" };
    if (res.status === 410) {
      await res.body?.cancel();
      return { kind: "removed" };
    }
    const body = (await res.json()) as { job?: RunnerJob; cancel?: number };
    if (body.job) return { kind: "job", job: body.job };
    if (typeof body.cancel === "number") return { kind: "cancel", jobId: body.cancel };
    return { kind: "idle" };
  }

  async start(sessionId: string, jobId: number): Promise<void> {
    const res = await this.#call("POST", `/runner/${encodeURIComponent(sessionId)}/jobs/${jobId}/start`, {});
    await res.body?.cancel();
  }

  async complete(
    sessionId: string,
    jobId: number,
    conclusion: "success" | "failure" | "cancelled",
  ): Promise<void> {
    const res = await this.#call("POST", `/runner/${encodeURIComponent(sessionId)}/jobs/${jobId}/complete`, {
      conclusion,
    });
    await res.body?.cancel();
  }

  async #call(
    method: string,
    path: string,
    body: unknown,
    signal?: AbortSignal,
    accepted: number[] = [],
  ): Promise<Response> {
    const res = await this.#fetch(`${this.#baseUrl}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    if (res.ok || accepted.includes(res.status)) return res;
    const text = await res.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // Not JSON: keep the text.
    }
    throw new RunnerProtocolError(res.status, `${method} ${path}: ${res.status} ${message}`);
  }
}
