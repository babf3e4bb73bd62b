import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ThrottledError, UnavailableError } from "../../../src/errors.js";
import { startConsumer } from "../../../src/queue/consumer.js";
import type { JobQueue, ReceivedMessage, ReceiveOptions } from "../../../src/queue/job-queue.js";

/** How the consumer uses the transport: batched acks, back-off through receive outages. */

const logger = () => ({ debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() });

const received = (n: number): ReceivedMessage => ({
  id: `m${n}`,
  receiptHandle: `h${n}`,
  body: JSON.stringify({ n }),
  receiveCount: 1,
  groupId: `job-${n}`,
  sentAt: 0,
});

/** A JobQueue whose receive answers follow a script, then wait until aborted. */
function scriptedQueue(
  script: Array<() => ReceivedMessage[]>,
  ackResult: (handles: string[]) => string[] = () => [],
) {
  const acks: string[][] = [];
  let receives = 0;
  const queue: JobQueue = {
    async receive({ signal }: ReceiveOptions) {
      receives++;
      const step = script.shift();
      if (step) return step();
      return new Promise((resolve) => signal?.addEventListener("abort", () => resolve([]), { once: true }));
    },
    async ack(handles) {
      acks.push([...handles]);
      return { failed: ackResult([...handles]) };
    },
    async delay() {},
    async send() {},
    async deadLetter() {},
  };
  return { queue, acks, receives: () => receives };
}

const options = {
  name: "reaper",
  schema: z.object({ n: z.number() }),
  handle: async () => ({ kind: "ack" as const }),
  concurrency: 20,
  pollers: 1,
  visibilitySeconds: 30,
};

afterEach(() => {
  vi.useRealTimers();
});

describe("acks", () => {
  it("deletes 10 handled messages in one call, and a lone one within ~20 ms", async () => {
    const ten = Array.from({ length: 10 }, (_, i) => received(i));
    const { queue, acks } = scriptedQueue([() => ten, () => [received(10)]]);
    const consumer = startConsumer({ ...options, queue, log: logger() });
    await vi.waitFor(() => expect(acks.flat()).toHaveLength(11), { timeout: 10_000, interval: 5 });
    await consumer.stop();
    expect(acks).toEqual([ten.map((m) => m.receiptHandle), ["h10"]]);
  });

  it("logs acks that failed (the messages come back; handlers are idempotent)", async () => {
    const log = logger();
    const { queue } = scriptedQueue([() => [received(1), received(2)]], (handles) => handles.slice(0, 1));
    const consumer = startConsumer({ ...options, queue, log });
    await vi.waitFor(() => expect(log.warn).toHaveBeenCalled(), { timeout: 10_000, interval: 5 });
    await consumer.stop();
    expect(log.warn).toHaveBeenCalledWith(
      expect.objectContaining({ queue: "reaper", failed: 1, of: 2 }),
      expect.stringContaining("acks failed"),
    );
  });
});

describe("receive outages", () => {
  it("backs off, logs once per outage, and keeps going", async () => {
    vi.useFakeTimers();
    const log = logger();
    const fail = () => {
      throw new UnavailableError("SQS unavailable (503)");
    };
    const throttle = () => {
      throw new ThrottledError("SQS throttled", 5000);
    };
    const { queue, acks, receives } = scriptedQueue([fail, fail, throttle, fail, () => [received(1)]]);
    const consumer = startConsumer({ ...options, queue, log });
    await vi.advanceTimersByTimeAsync(500);
    expect(receives()).toBeLessThanOrEqual(2);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(receives()).toBe(6);
    expect(acks).toEqual([["h1"]]);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.any(UnavailableError) }),
      expect.stringContaining("backing off"),
    );
    expect(log.info).toHaveBeenCalledTimes(1);
    expect(log.info).toHaveBeenCalledWith(
      expect.objectContaining({ downMs: expect.any(Number) }),
      "receiving messages again",
    );
    const stopping = consumer.stop();
    await vi.advanceTimersByTimeAsync(100);
    await stopping;
  });

  it("stops promptly while backing off", async () => {
    vi.useFakeTimers();
    const { queue, receives } = scriptedQueue([
      () => {
        throw new UnavailableError("down");
      },
    ]);
    const consumer = startConsumer({ ...options, queue, log: logger() });
    await vi.advanceTimersByTimeAsync(20);
    expect(receives()).toBe(1);
    let stopped = false;
    const stopping = consumer.stop().then(() => {
      stopped = true;
    });
    // The first back-off is at least 500 ms (1 s, jittered down to half); stop() must not wait it out.
    await vi.advanceTimersByTimeAsync(100);
    expect(stopped).toBe(true);
    expect(receives()).toBe(1);
    await stopping;
  });
});
