import { randomUUID } from "node:crypto";
import type { JobQueue, OutgoingMessage, ReceivedMessage, ReceiveOptions } from "./job-queue.js";

/**
 * The JobQueue in memory, with the SQS FIFO semantics Mayfly relies on: one group in flight at a time
 * and in order, 5-minute deduplication, visibility timeouts and redelivery with a growing receive count,
 * long polls that wake on send, redrive after `maxReceiveCount` receives, and dead-lettering. For the demo
 * and unit tests; `test/integration/queue/job-queue-contract.test.ts` keeps it honest against SQS.
 */

export interface MemoryQueueOptions {
  now?: () => number;
  /** Like an SQS RedrivePolicy: a message received more often than this is dead-lettered. Default: never. */
  maxReceiveCount?: number;
}

export interface DeadLetter {
  message: ReceivedMessage;
  reason: string;
}

export interface MemoryQueue extends JobQueue {
  deadLetters(): DeadLetter[];
  size(): { visible: number; inFlight: number; deadLetters: number };
}

interface Entry {
  id: string;
  body: string;
  groupId: string;
  sentAt: number;
  receiveCount: number;
  delivery?: { handle: string; visibleAt: number };
}

interface Waiter {
  attempt: () => ReceivedMessage[];
  finish: (messages: ReceivedMessage[]) => void;
  /** Re-times the wait: a visibility timeout may now end sooner. */
  reschedule: () => void;
}

const DEDUP_WINDOW_MS = 5 * 60_000;
const FIFO_ID = /^[\x21-\x7E]{1,128}$/;
/** Characters SQS refuses in a body (the complement of its allowed set). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the allowed set is defined in control characters
const NOT_ALLOWED = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** What SQS would refuse in this message, if anything (reference/api-facts.md §4). */
function problemWith(m: OutgoingMessage): string | undefined {
  if (!FIFO_ID.test(m.groupId)) return "groupId must be 1-128 printable ASCII characters";
  if (!FIFO_ID.test(m.dedupId)) return "dedupId must be 1-128 printable ASCII characters";
  if (m.body.length === 0) return "body is empty";
  if (NOT_ALLOWED.test(m.body)) return "body has characters SQS does not allow";
  if (Buffer.byteLength(m.body) > 1_048_576) return "body is larger than 1 MiB";
  return undefined;
}

export function createMemoryQueue(options: MemoryQueueOptions = {}): MemoryQueue {
  const now = options.now ?? (() => Date.now());
  const entries: Entry[] = [];
  const dedup = new Map<string, number>();
  const deadLetters: DeadLetter[] = [];
  const deadLetterDedup = new Map<string, number>();
  const waiters = new Set<Waiter>();

  const inFlight = (e: Entry, at: number) => e.delivery !== undefined && at < e.delivery.visibleAt;
  const toReceived = (e: Entry): ReceivedMessage => ({
    id: e.id,
    receiptHandle: e.delivery?.handle ?? "",
    body: e.body,
    receiveCount: e.receiveCount,
    groupId: e.groupId,
    sentAt: e.sentAt,
  });

  /** Something changed: waiting long polls try again, oldest first. */
  function wake(): void {
    for (const waiter of [...waiters]) {
      const got = waiter.attempt();
      if (got.length > 0) waiter.finish(got);
      else waiter.reschedule();
    }
  }

  function remove(entry: Entry): void {
    entries.splice(entries.indexOf(entry), 1);
    wake();
  }

  /** The in-flight entry a handle names, or undefined when the handle is stale. */
  function current(handle: string): Entry | undefined {
    const entry = entries.find((e) => e.delivery?.handle === handle);
    return entry && inFlight(entry, now()) ? entry : undefined;
  }

  function recordDeadLetter(message: ReceivedMessage, reason: string, at: number): void {
    for (const [id, t] of deadLetterDedup) if (at - t >= DEDUP_WINDOW_MS) deadLetterDedup.delete(id);
    if (deadLetterDedup.has(message.id)) return;
    deadLetterDedup.set(message.id, at);
    deadLetters.push({ message, reason });
  }

  /** FIFO pick: groups with a message in flight are blocked; a group's messages go out together, in order. */
  function collect(max: number, visibilitySeconds: number): ReceivedMessage[] {
    const at = now();
    const blocked = new Set(entries.filter((e) => inFlight(e, at)).map((e) => e.groupId));
    const byGroup = new Map<string, Entry[]>();
    for (const e of entries) {
      if (inFlight(e, at) || blocked.has(e.groupId)) continue;
      const group = byGroup.get(e.groupId);
      if (group) group.push(e);
      else byGroup.set(e.groupId, [e]);
    }
    const out: ReceivedMessage[] = [];
    for (const entry of [...byGroup.values()].flat()) {
      if (out.length >= max) break;
      if (options.maxReceiveCount !== undefined && entry.receiveCount + 1 > options.maxReceiveCount) {
        entries.splice(entries.indexOf(entry), 1);
        recordDeadLetter(
          toReceived(entry),
          `received more than maxReceiveCount (${options.maxReceiveCount}) times`,
          at,
        );
        continue;
      }
      entry.receiveCount++;
      entry.delivery = { handle: `${entry.id}:${randomUUID()}`, visibleAt: at + visibilitySeconds * 1000 };
      out.push(toReceived(entry));
    }
    return out;
  }

  function nextVisibleAt(): number | undefined {
    const at = now();
    const times = entries.filter((e) => inFlight(e, at)).map((e) => e.delivery!.visibleAt);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  function waitFor(options: ReceiveOptions): Promise<ReceivedMessage[]> {
    return new Promise((resolve) => {
      const deadline = performance.now() + options.waitSeconds * 1000;
      let timer: NodeJS.Timeout | undefined;
      // Re-check when the deadline passes or the next visibility timeout ends, whichever is first.
      const schedule = () => {
        clearTimeout(timer);
        const untilChange = (nextVisibleAt() ?? Number.POSITIVE_INFINITY) - now();
        timer = setTimeout(tick, Math.max(1, Math.min(deadline - performance.now(), untilChange)));
        timer.unref();
      };
      const waiter: Waiter = {
        attempt: () => collect(options.max, options.visibilitySeconds),
        finish: (messages) => {
          waiters.delete(waiter);
          clearTimeout(timer);
          options.signal?.removeEventListener("abort", onAbort);
          resolve(messages);
        },
        reschedule: schedule,
      };
      const onAbort = () => waiter.finish([]);
      const tick = () => {
        const got = waiter.attempt();
        if (got.length > 0 || performance.now() >= deadline) waiter.finish(got);
        else schedule();
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });
      waiters.add(waiter);
      schedule();
    });
  }

  return {
    async send(messages: readonly OutgoingMessage[]) {
      const at = now();
      for (const [id, t] of dedup) if (at - t >= DEDUP_WINDOW_MS) dedup.delete(id);
      const refused: string[] = [];
      for (const m of messages) {
        // Like SendMessageBatch: valid messages go in, refused ones are named in the error.
        const problem = problemWith(m);
        if (problem) {
          refused.push(`${m.dedupId} (${problem})`);
          continue;
        }
        if (dedup.has(m.dedupId)) continue;
        dedup.set(m.dedupId, at);
        entries.push({ id: randomUUID(), body: m.body, groupId: m.groupId, sentAt: at, receiveCount: 0 });
      }
      wake();
      if (refused.length > 0) {
        throw new Error(
          `memory queue refused ${refused.length} of ${messages.length} messages: ${refused.join("; ")}`,
        );
      }
    },

    async receive(receive) {
      if (receive.signal?.aborted) return [];
      const got = collect(receive.max, receive.visibilitySeconds);
      if (got.length > 0 || receive.waitSeconds <= 0) return got;
      return waitFor(receive);
    },

    async ack(receiptHandles) {
      const failed: string[] = [];
      for (const handle of receiptHandles) {
        const entry = current(handle);
        // A handle of a message that is gone already counts as deleted, as in SQS.
        if (entry) remove(entry);
        else if (entries.some((e) => handle.startsWith(`${e.id}:`))) failed.push(handle);
      }
      return { failed };
    },

    async delay(receiptHandle, seconds) {
      const entry = current(receiptHandle);
      if (!entry) throw new Error(`receipt handle has expired: ${receiptHandle}`);
      entry.delivery!.visibleAt = now() + Math.max(0, seconds) * 1000;
      wake();
    },

    async deadLetter(message, reason) {
      // As over SQS: the copy goes to the dead letters first, then the delete may fail on a stale handle.
      recordDeadLetter(message, reason, now());
      const entry = entries.find((e) => e.id === message.id);
      if (!entry) return;
      if (current(message.receiptHandle) !== entry) {
        throw new Error(`receipt handle has expired: ${message.receiptHandle}`);
      }
      remove(entry);
    },

    deadLetters: () => [...deadLetters],

    size() {
      const at = now();
      const flying = entries.filter((e) => inFlight(e, at)).length;
      return { visible: entries.length - flying, inFlight: flying, deadLetters: deadLetters.length };
    },
  };
}
