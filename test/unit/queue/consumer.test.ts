import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import {
  type Consumer,
  type ConsumerOptions,
  type Outcome,
  startConsumer,
} from "../../../src/queue/consumer.js";
import type { ReceivedMessage } from "../../../src/queue/job-queue.js";
import { createMemoryQueue, type MemoryQueue } from "../../../src/queue/memory.js";

/**
 * The consumer over the in-memory queue. Visibility (when a retried message comes back, whether a held
 * one stays hidden) is judged on the queue's injected clock, which the tests move; the waits below only
 * wait for the consumer to act, with a deadline that merely names a hang, so a slow machine is slow,
 * not red.
 */

const schema = z.object({ n: z.number() });
type Body = z.infer<typeof schema>;

const logger = () => ({ debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() });
const consumers: Consumer[] = [];

function start(
  queue: MemoryQueue,
  options: Partial<ConsumerOptions<Body>> & Pick<ConsumerOptions<Body>, "handle">,
) {
  const consumer = startConsumer<Body>({
    name: "scaler",
    queue,
    schema,
    concurrency: 10,
    visibilitySeconds: 30,
    log: logger(),
    ...options,
  });
  consumers.push(consumer);
  return consumer;
}

const until = async (condition: () => boolean, timeoutMs = 20_000) => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** A memory queue on a clock the test moves, recording the visibility changes the consumer asks for. */
function clockedQueue() {
  let clock = 1_700_000_000_000;
  const memory = createMemoryQueue({ now: () => clock });
  const delays: number[] = [];
  const queue: MemoryQueue = {
    ...memory,
    delay: (handle, seconds) => {
      delays.push(seconds);
      return memory.delay(handle, seconds);
    },
  };
  return { queue, delays, advanceMs: (ms: number) => (clock += ms) };
}

const send = (queue: MemoryQueue, n: number, groupId = `job-${n}`) =>
  queue.send([{ body: JSON.stringify({ n }), groupId, dedupId: `d-${n}-${groupId}` }]);

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.stop()));
});

describe("outcomes", () => {
  it("acks: the handler gets the parsed body and the message is deleted", async () => {
    const queue = createMemoryQueue();
    const seen: [Body, ReceivedMessage][] = [];
    const onOutcome = vi.fn();
    const consumer = start(queue, {
      handle: async (body, message) => {
        seen.push([body, message]);
        return { kind: "ack" };
      },
      onOutcome,
    });
    await send(queue, 1);
    await until(() => seen.length === 1);
    await consumer.stop();
    expect(seen[0]![0]).toEqual({ n: 1 });
    expect(seen[0]![1]).toMatchObject({ groupId: "job-1", receiveCount: 1 });
    expect(onOutcome).toHaveBeenCalledWith({ kind: "ack" }, seen[0]![1]);
    expect(queue.size()).toEqual({ visible: 0, inFlight: 0, deadLetters: 0 });
  });

  it("retries: the message comes back after afterSeconds, never dropped", async () => {
    const { queue, delays, advanceMs } = clockedQueue();
    const calls: number[] = [];
    start(queue, {
      handle: async (_body, message) => {
        calls.push(message.receiveCount);
        return calls.length === 1
          ? { kind: "retry", afterSeconds: 0.3, reason: "pool at capacity" }
          : { kind: "ack" };
      },
    });
    await send(queue, 2);
    await until(() => delays.length === 1);
    expect(delays).toEqual([0.3]);
    advanceMs(299);
    expect(queue.size()).toEqual({ visible: 0, inFlight: 1, deadLetters: 0 });
    expect(calls).toEqual([1]);
    advanceMs(1);
    await until(() => calls.length === 2);
    expect(calls).toEqual([1, 2]);
    await until(() => queue.size().visible + queue.size().inFlight === 0);
  });

  it("dead-letters with the handler's reason", async () => {
    const queue = createMemoryQueue();
    start(queue, { handle: async () => ({ kind: "dead-letter", reason: "launch config invalid" }) });
    await send(queue, 3);
    await until(() => queue.deadLetters().length === 1);
    expect(queue.deadLetters()[0]).toMatchObject({
      reason: "launch config invalid",
      message: { body: '{"n":3}' },
    });
    expect(queue.size()).toMatchObject({ visible: 0, inFlight: 0 });
  });

  it.each([
    ["a body that is not JSON", "not json", /body is not JSON/],
    [
      "a body that does not match the schema",
      '{"n":"three"}',
      /does not match the scaler message schema[\s\S]*n/,
    ],
  ])("dead-letters %s without calling the handler", async (_what, body, reason) => {
    const queue = createMemoryQueue();
    const handle = vi.fn(async (): Promise<Outcome> => ({ kind: "ack" }));
    const onOutcome = vi.fn();
    start(queue, { handle, onOutcome });
    await queue.send([{ body, groupId: "g", dedupId: "bad" }]);
    await until(() => queue.deadLetters().length === 1);
    expect(queue.deadLetters()[0]!.reason).toMatch(reason);
    expect(handle).not.toHaveBeenCalled();
    expect(onOutcome).toHaveBeenCalledWith(
      expect.objectContaining({ kind: "dead-letter" }),
      expect.anything(),
    );
  });

  it("turns a throw into a retry after retryDelay(receiveCount), logged, never hot", async () => {
    const { queue, delays, advanceMs } = clockedQueue();
    const log = logger();
    const retryDelay = vi.fn(() => 0.3);
    const onOutcome = vi.fn();
    const calls: number[] = [];
    start(queue, {
      log,
      retryDelay,
      onOutcome,
      handle: async (_body, message) => {
        calls.push(message.receiveCount);
        if (message.receiveCount === 1) throw new Error("GitHub said 502");
        return { kind: "ack" };
      },
    });
    await send(queue, 4);
    await until(() => delays.length === 1);
    expect(retryDelay).toHaveBeenCalledWith(1);
    expect(delays).toEqual([0.3]);
    // Not hot: hidden until retryDelay's 0.3 s have passed on the queue's clock, then handled again.
    advanceMs(299);
    expect(queue.size()).toMatchObject({ visible: 0, inFlight: 1 });
    expect(calls).toEqual([1]);
    advanceMs(1);
    await until(() => calls.length === 2);
    expect(log.error).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.any(Error), afterSeconds: 0.3 }),
      expect.stringContaining("handler failed"),
    );
    expect(onOutcome).toHaveBeenCalledWith({ kind: "error" }, expect.objectContaining({ receiveCount: 1 }));
  });
});

describe("logging", () => {
  it("takes a pino logger as it is", async () => {
    const queue = createMemoryQueue();
    const handled: number[] = [];
    start(queue, {
      log: pino({ level: "silent" }),
      handle: async (body) => {
        handled.push(body.n);
        return { kind: "ack" };
      },
    });
    await send(queue, 7);
    await until(() => handled.length === 1 && queue.size().inFlight === 0);
  });
});

describe("holding messages", () => {
  it("extends visibility while a slow handler runs, so the message is not delivered twice", async () => {
    const { queue, delays, advanceMs } = clockedQueue();
    let calls = 0;
    let finish: () => void = () => {};
    start(queue, {
      visibilitySeconds: 0.4,
      handle: () => {
        calls++;
        return new Promise<Outcome>((resolve) => {
          finish = () => resolve({ kind: "ack" });
        });
      },
    });
    await send(queue, 5);
    await until(() => calls === 1);
    // Three times: wait for a heartbeat, then move the queue's clock 0.3 s. That is 0.9 s in all, over
    // twice the 0.4 s visibility the message was received with, and it never becomes visible.
    let beats = 0;
    for (let round = 0; round < 3; round++) {
      await until(() => delays.length > beats);
      beats = delays.length;
      advanceMs(300);
      expect(queue.size()).toMatchObject({ visible: 0, inFlight: 1 });
    }
    expect(delays.every((seconds) => seconds === 0.4)).toBe(true);
    finish();
    await until(() => queue.size().inFlight === 0 && queue.size().visible === 0);
    expect(calls).toBe(1);
  });

  it("holds at most `concurrency` messages", async () => {
    const queue = createMemoryQueue();
    let running = 0;
    let most = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    start(queue, {
      concurrency: 3,
      pollers: 2,
      handle: async () => {
        running++;
        most = Math.max(most, running);
        await gate;
        running--;
        return { kind: "ack" };
      },
    });
    for (let n = 0; n < 10; n++) await send(queue, n);
    await until(() => running === 3);
    await new Promise((r) => setTimeout(r, 100));
    expect(queue.size()).toMatchObject({ inFlight: 3, visible: 7 });
    release();
    await until(() => queue.size().visible + queue.size().inFlight === 0);
    expect(most).toBe(3);
  });

  it("stop() waits for handlers in progress and sends their acks", async () => {
    const queue = createMemoryQueue();
    let finish: () => void = () => {};
    const started = new Promise<void>((resolveStarted) => {
      start(queue, {
        handle: () =>
          new Promise<Outcome>((resolve) => {
            resolveStarted();
            finish = () => resolve({ kind: "ack" });
          }),
      });
    });
    await send(queue, 6);
    await started;
    let stopped = false;
    const stopping = consumers[0]!.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(queue.size()).toEqual({ visible: 0, inFlight: 0, deadLetters: 0 });
  });

  it("keeps a FIFO group in order: after a retry, later messages of the group wait for it", async () => {
    const queue = createMemoryQueue();
    const handled: string[] = [];
    start(queue, {
      handle: async (body, message) => {
        handled.push(`${body.n}#${message.receiveCount}`);
        return body.n === 1 && message.receiveCount === 1
          ? { kind: "retry", afterSeconds: 0.3, reason: "not yet" }
          : { kind: "ack" };
      },
    });
    await queue.send([
      { body: '{"n":1}', groupId: "same", dedupId: "1" },
      { body: '{"n":2}', groupId: "same", dedupId: "2" },
    ]);
    await until(() => handled.length === 3);
    expect(handled).toEqual(["1#1", "1#2", "2#2"]);
  });
});
