import { setMaxListeners } from "node:events";
import { z } from "zod";
import { ThrottledError } from "../errors.js";
import { backoff } from "../time/backoff.js";
import { realTimers, sleep, type Timers } from "../time/timers.js";
import { AckBatcher } from "./ack-batcher.js";
import { Heartbeat } from "./heartbeat.js";
import type { JobQueue, ReceivedMessage } from "./job-queue.js";
import type { Logger } from "./logger.js";

export type { Logger } from "./logger.js";

/**
 * The one place that maps a handler's outcome to the transport (STYLE.md principle 8): ack deletes,
 * retry delays visibility (never drops), dead-letter moves the message aside with a reason. Long-polls
 * with a few pollers, holds at most `concurrency` messages, heartbeats visibility while work runs, and
 * keeps a FIFO group's messages from one receive in order (a retry sends the rest of the group back).
 */

export type Outcome =
  | { kind: "ack" }
  | { kind: "retry"; afterSeconds: number; reason: string }
  | { kind: "dead-letter"; reason: string };

export interface ConsumerOptions<T> {
  /** "scaler" | "reaper", for logs and metrics. */
  name: string;
  queue: JobQueue;
  /** Bodies are JSON; a body that does not parse is dead-lettered with the problem. */
  schema: z.ZodType<T>;
  handle: (body: T, message: ReceivedMessage) => Promise<Outcome>;
  /** Most messages held at once, across pollers. */
  concurrency: number;
  /** Concurrent long-poll loops; default enough to fill `concurrency` 10 at a time (at most 10). */
  pollers?: number;
  /** Visibility on receipt, renewed at half-life while a message is held. */
  visibilitySeconds: number;
  log: Logger;
  onOutcome?: (outcome: Outcome | { kind: "error" }, message: ReceivedMessage) => void;
  /** Seconds before a message whose handler threw comes back; default exponential with jitter, 2 s … 5 min. */
  retryDelay?: (receiveCount: number) => number;
  /** Long-poll wait, 0–20 s (default 20). */
  waitSeconds?: number;
  /** Heartbeats, ack batching and receive back-off run on these (default: the real clock). */
  timers?: Timers;
  /** Uniform in [0, 1), for the back-off jitter (default Math.random). */
  random?: () => number;
}

/**
 * A handler that threw waits exponentially in the receive count, 2 s to 5 min, with equal jitter (half
 * fixed, half random) so a burst of failures does not come back in lockstep.
 */
export function handlerRetryDelay(receiveCount: number, random: () => number = Math.random): number {
  return backoff(receiveCount, { base: 2, cap: 300, floor: 2, jitter: "equal", random });
}

/** A failed receive waits 1 s doubling to 30 s with equal jitter; a throttle's hint is a floor. */
export function receiveBackoffMs(
  error: unknown,
  failures: number,
  random: () => number = Math.random,
): number {
  const ms = backoff(failures, { base: 1000, cap: 30_000, jitter: "equal", random });
  return error instanceof ThrottledError ? Math.max(ms, error.retryAfterMs) : ms;
}

export interface Consumer {
  /** Stops polling, waits for handlers in progress, sends pending acks. */
  stop(): Promise<void>;
}

export function startConsumer<T>(options: ConsumerOptions<T>): Consumer {
  const { queue, log, concurrency, visibilitySeconds } = options;
  const fields = { queue: options.name };
  const timers = options.timers ?? realTimers;
  const random = options.random ?? Math.random;
  const retryDelay = options.retryDelay ?? ((count: number) => handlerRetryDelay(count, random));
  const pollerCount = options.pollers ?? Math.max(1, Math.min(10, Math.ceil(concurrency / 10)));
  const stopping = new AbortController();
  // Each poller's receive, back-off and slot wait listen for the stop.
  setMaxListeners(0, stopping.signal);
  const acks = new AckBatcher({ queue, log, fields, timers });
  const work = new Set<Promise<void>>();
  const slotWaiters = new Set<() => void>();
  let held = 0;
  let reserved = 0;
  let outageSince: number | undefined;

  const release = (count: number) => {
    held -= count;
    for (const wake of [...slotWaiters]) wake();
  };
  const slotFreed = () =>
    new Promise<void>((resolve) => {
      const wake = () => {
        slotWaiters.delete(wake);
        stopping.signal.removeEventListener("abort", wake);
        resolve();
      };
      slotWaiters.add(wake);
      stopping.signal.addEventListener("abort", wake, { once: true });
    });

  async function poll(): Promise<void> {
    let failures = 0;
    while (!stopping.signal.aborted) {
      const free = concurrency - held - reserved;
      if (free <= 0) {
        await slotFreed();
        continue;
      }
      const max = Math.min(10, free);
      reserved += max;
      let messages: ReceivedMessage[];
      try {
        messages = await queue.receive({
          max,
          waitSeconds: options.waitSeconds ?? 20,
          visibilitySeconds,
          signal: stopping.signal,
        });
      } catch (error) {
        reserved -= max;
        failures++;
        if (outageSince === undefined) {
          outageSince = timers.now();
          log.warn({ ...fields, err: error }, "cannot receive messages; backing off until the queue answers");
        }
        await sleep(timers, receiveBackoffMs(error, failures, random), stopping.signal);
        continue;
      }
      reserved -= max;
      failures = 0;
      if (outageSince !== undefined) {
        log.info({ ...fields, downMs: timers.now() - outageSince }, "receiving messages again");
        outageSince = undefined;
      }
      held += messages.length;
      for (const group of byGroup(messages)) track(runGroup(group));
    }
  }

  function track(promise: Promise<void>): void {
    const tracked: Promise<void> = promise
      .catch((error: unknown) => log.error({ ...fields, err: error }, "message handling failed unexpectedly"))
      .finally(() => work.delete(tracked));
    work.add(tracked);
  }

  /** Handles one group's messages in order; after a retry, the rest go back to the queue untouched. */
  async function runGroup(group: ReceivedMessage[]): Promise<void> {
    const beats = group.map(
      (m) =>
        new Heartbeat({
          queue,
          receiptHandle: m.receiptHandle,
          visibilitySeconds,
          log,
          fields: { ...fields, messageId: m.id },
          timers,
        }),
    );
    const giveBackFrom = async (start: number) => {
      await Promise.all(beats.slice(start).map((b) => b.stop()));
      await Promise.all(group.slice(start).map((m) => giveBack(m)));
      release(group.length - start);
    };
    for (const [i, message] of group.entries()) {
      if (stopping.signal.aborted) return giveBackFrom(i);
      if (!(await settle(message, beats[i]!))) return giveBackFrom(i + 1);
    }
  }

  /** Runs the handler and applies its outcome; false when the group must not go on (the message retries). */
  async function settle(message: ReceivedMessage, beat: Heartbeat): Promise<boolean> {
    const about = {
      ...fields,
      messageId: message.id,
      groupId: message.groupId,
      receiveCount: message.receiveCount,
    };
    let outcome: Outcome;
    const parsed = parse(options.schema, message.body, options.name);
    if (!parsed.ok) {
      outcome = { kind: "dead-letter", reason: parsed.reason };
      report(outcome, message);
    } else {
      try {
        outcome = await options.handle(parsed.value, message);
        report(outcome, message);
      } catch (error) {
        const afterSeconds = retryDelay(message.receiveCount);
        log.error({ ...about, err: error, afterSeconds }, "handler failed; the message will be retried");
        report({ kind: "error" }, message);
        outcome = { kind: "retry", afterSeconds, reason: `handler threw: ${String(error)}` };
      }
    }
    await beat.stop();
    await apply(outcome, message, about);
    release(1);
    return outcome.kind !== "retry";
  }

  function report(outcome: Outcome | { kind: "error" }, message: ReceivedMessage): void {
    try {
      options.onOutcome?.(outcome, message);
    } catch (error) {
      log.error({ ...fields, err: error }, "onOutcome hook failed");
    }
  }

  async function apply(outcome: Outcome, message: ReceivedMessage, about: object): Promise<void> {
    try {
      if (outcome.kind === "ack") {
        acks.add(message.receiptHandle);
      } else if (outcome.kind === "retry") {
        log.debug({ ...about, afterSeconds: outcome.afterSeconds, reason: outcome.reason }, "retrying later");
        await queue.delay(message.receiptHandle, outcome.afterSeconds);
      } else {
        log.warn({ ...about, reason: outcome.reason }, "dead-lettering message");
        await queue.deadLetter(message, outcome.reason);
      }
    } catch (error) {
      // The message stays in the queue and comes back after its visibility timeout.
      log.error(
        { ...about, err: error, outcome: outcome.kind },
        "could not apply the outcome; the message will come back",
      );
    }
  }

  async function giveBack(message: ReceivedMessage): Promise<void> {
    await queue.delay(message.receiptHandle, 0).catch((error: unknown) => {
      log.debug(
        { ...fields, messageId: message.id, err: error },
        "could not give a message back; it will time out",
      );
    });
  }

  const pollers = Array.from({ length: pollerCount }, () => poll());

  return {
    async stop() {
      stopping.abort();
      await Promise.all(pollers);
      while (work.size > 0) await Promise.all([...work]);
      await acks.drain();
    },
  };
}

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

function parse<T>(schema: z.ZodType<T>, body: string, name: string): Parsed<T> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { ok: false, reason: `body is not JSON: ${(error as Error).message}` };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    reason: `body does not match the ${name} message schema: ${z.prettifyError(result.error)}`,
  };
}

/** Groups a receive's messages by FIFO group, keeping their order. */
function byGroup(messages: readonly ReceivedMessage[]): ReceivedMessage[][] {
  const groups = new Map<string, ReceivedMessage[]>();
  for (const m of messages) {
    const group = groups.get(m.groupId);
    if (group) group.push(m);
    else groups.set(m.groupId, [m]);
  }
  return [...groups.values()];
}
