import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLargeError, listen, readBody } from "../http.js";
import { handleControl } from "./control.js";
import { FaultPlan, type SqsFault, type SqsStats } from "./faults.js";
import { OPERATIONS } from "./operations/index.js";
import { parseBody } from "./params.js";
import { checkAuthorization, operationOf, sendError, sendResult } from "./protocol.js";
import { QueueRegistry } from "./registry.js";
import { type QueueSnapshot, snapshotOf } from "./snapshot.js";
import { SqsError } from "./sqs-error.js";

export type { SqsFault, SqsStats } from "./faults.js";
export type { QueueSnapshot } from "./snapshot.js";
export type { MessageView } from "./stored-message.js";

/**
 * An SQS emulator that `@aws-sdk/client-sqs` talks to over HTTP (AWS JSON 1.0, `x-amz-target:
 * AmazonSQS.<Operation>`). Point the client's `endpoint` at `url`. See reference/api-facts.md §3.7 and §4.
 */

export interface SqsEmulatorOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  region?: string;
  accountId?: string;
  /** Added before every answer: one number for all operations, or per operation (`*` for the rest). */
  latencyMs?: number | Partial<Record<string, number>>;
  /** Clock for message timings (delays, visibility, retention, deduplication window). */
  now?: () => number;
}

export interface SqsEmulator {
  url: string;
  region: string;
  accountId: string;
  queueUrl(name: string): string;
  /** Same as the CreateQueue API (validation, idempotency); returns the queue URL. */
  createQueue(name: string, attributes?: Record<string, string>): Promise<string>;
  injectFault(fault: SqsFault): void;
  setLatency(action: string, ms: number): void;
  /** While on, every call answers 503 ServiceUnavailable. */
  setOutage(on: boolean): void;
  queue(name: string): QueueSnapshot | undefined;
  stats(): SqsStats;
  /** Ends long polls (empty answers), then closes the server. */
  stop(): Promise<void>;
}

/** SQS bodies reach 1 MiB; leave room for JSON escaping and batch framing. */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export async function startSqsEmulator(options: SqsEmulatorOptions = {}): Promise<SqsEmulator> {
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? "123456789012";
  const now = options.now ?? Date.now;
  const faults = new FaultPlan(options.latencyMs);
  const stopping = new AbortController();
  // Every request in progress (long polls above all) listens for the stop; there may be many.
  setMaxListeners(0, stopping.signal);
  const active = new Set<Promise<void>>();
  let stopped = false;

  const server = await listen(
    (req, res) => {
      const done = handle(req, res).finally(() => active.delete(done));
      active.add(done);
    },
    { host: options.host, port: options.port },
  );
  const queues = new QueueRegistry({ baseUrl: server.url, region, accountId, now });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      if (req.url?.startsWith("/_emulator/"))
        return await handleControl(req, res, { registry: queues, faults });
      const action = operationOf(req.headers) ?? "Unknown";
      faults.count(action);
      const raw = await readBody(req, MAX_REQUEST_BYTES);
      const latency = faults.latencyFor(action);
      if (latency > 0) await pause(latency, stopping.signal);
      checkAuthorization(req.headers);
      const injected = faults.take(action);
      if (injected) throw injected;
      const operation = OPERATIONS[action];
      if (!operation || req.method !== "POST") {
        throw new SqsError(
          "UnknownOperationException",
          `Operation ${action} is not supported by this endpoint.`,
        );
      }
      const result = await operation(parseBody(raw), {
        registry: queues,
        signal: requestSignal(res),
        entryFault: () => faults.takeEntry(action),
      });
      sendResult(res, requestId, result);
    } catch (error) {
      sendError(res, requestId, asSqsError(error));
    }
  }

  /** Fires when the client goes away before the answer (an aborted long poll) or the emulator stops. */
  function requestSignal(res: ServerResponse): AbortSignal {
    const controller = new AbortController();
    const abort = () => controller.abort();
    stopping.signal.addEventListener("abort", abort, { once: true });
    res.once("close", () => {
      stopping.signal.removeEventListener("abort", abort);
      if (!res.writableFinished) abort();
    });
    return controller.signal;
  }

  return {
    url: server.url,
    region,
    accountId,
    queueUrl: (name) => queues.urlOf(name),
    createQueue: async (name, attributes) => queues.create(name, attributes).queue.identity.url,
    injectFault: (fault) => faults.inject(fault),
    setLatency: (action, ms) => faults.setLatency(action, ms),
    setOutage: (on) => faults.setOutage(on),
    queue: (name) => {
      const record = queues.byName(name);
      return record && snapshotOf(record, queues);
    },
    stats: () => faults.stats(),
    async stop() {
      if (stopped) return;
      stopped = true;
      stopping.abort();
      queues.closeAll();
      // Let the answers to ended long polls go out before the sockets close.
      await Promise.race([Promise.allSettled([...active]), pause(500)]);
      await server.close();
    },
  };
}

function asSqsError(error: unknown): SqsError {
  if (error instanceof SqsError) return error;
  if (error instanceof BodyTooLargeError) return new SqsError("InvalidParameterValue", error.message, 413);
  return new SqsError("InternalError", "We encountered an internal error. Please try again.");
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    signal?.addEventListener("abort", done, { once: true });
  });
}
