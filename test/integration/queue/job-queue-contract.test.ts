import { SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSqsEmulator } from "../../../emulators/src/sqs/emulator.js";
import type { JobQueue, OutgoingMessage } from "../../../src/queue/job-queue.js";
import { createMemoryQueue } from "../../../src/queue/memory.js";
import { createSqsQueue, DEAD_LETTER_REASON_ATTRIBUTE } from "../../../src/queue/sqs.js";

/**
 * One contract for every JobQueue (STYLE.md principle 13): the in-memory queue and the SQS adapter over
 * the emulator (real SQSClient) must behave alike. Both run on an injected clock so visibility timeouts
 * pass instantly; long polls use real time.
 */

interface Harness {
  queue: JobQueue;
  /** Moves the queue's clock forward. */
  advance(seconds: number): void;
  deadLetters(): Promise<{ body: string; reason: string }[]>;
  close(): Promise<void>;
}

async function memoryHarness(): Promise<Harness> {
  let clock = Date.now();
  const queue = createMemoryQueue({ now: () => clock });
  return {
    queue,
    advance: (seconds) => {
      clock += seconds * 1000;
    },
    deadLetters: async () => queue.deadLetters().map((d) => ({ body: d.message.body, reason: d.reason })),
    close: async () => {},
  };
}

async function sqsHarness(): Promise<Harness> {
  let clock = Date.now();
  const emulator = await startSqsEmulator({ now: () => clock });
  const deadLetterQueueUrl = await emulator.createQueue("mayfly-dead.fifo", { FifoQueue: "true" });
  const queueUrl = await emulator.createQueue("mayfly-scale.fifo", { FifoQueue: "true" });
  const client = new SQSClient({
    endpoint: emulator.url,
    region: emulator.region,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  return {
    queue: createSqsQueue({ client, queueUrl, deadLetterQueueUrl }),
    advance: (seconds) => {
      clock += seconds * 1000;
    },
    deadLetters: async () =>
      (emulator.queue("mayfly-dead.fifo")?.visible ?? []).map((m) => ({
        body: m.body,
        reason: m.attributes[DEAD_LETTER_REASON_ATTRIBUTE]?.StringValue ?? "",
      })),
    close: async () => {
      client.destroy();
      await emulator.stop();
    },
  };
}

const message = (body: string, groupId = "job-1", dedupId = body): OutgoingMessage => ({
  body,
  groupId,
  dedupId,
});
const poll = { max: 10, waitSeconds: 0, visibilitySeconds: 30 };

describe.each([
  ["memory", memoryHarness],
  ["sqs", sqsHarness],
])("JobQueue contract: %s", (_name, start) => {
  let h: Harness;
  let queue: JobQueue;

  beforeEach(async () => {
    h = await start();
    queue = h.queue;
  });

  afterEach(async () => {
    await h.close();
  });

  it("sends, receives with delivery facts, and acks", async () => {
    const before = Date.now();
    await queue.send([message("a", "job-1"), message("b", "job-2")]);
    const received = await queue.receive(poll);
    expect(received.map((m) => [m.body, m.groupId, m.receiveCount])).toEqual([
      ["a", "job-1", 1],
      ["b", "job-2", 1],
    ]);
    expect(received[0]!.sentAt).toBeGreaterThanOrEqual(before - 1000);
    expect(received[0]!.id).not.toBe(received[1]!.id);
    expect(await queue.ack(received.map((m) => m.receiptHandle))).toEqual({ failed: [] });
    h.advance(60);
    expect(await queue.receive(poll)).toEqual([]);
  });

  it("collapses messages with the same dedup id", async () => {
    await queue.send([message("first", "job-1", "scale-1")]);
    await queue.send([message("second", "job-1", "scale-1"), message("third", "job-1", "scale-1")]);
    expect((await queue.receive(poll)).map((m) => m.body)).toEqual(["first"]);
  });

  it("delivers a group in order and holds it while a message is in flight", async () => {
    await queue.send([message("a1", "a"), message("a2", "a"), message("b1", "b")]);
    const [a1] = await queue.receive({ ...poll, max: 1 });
    expect(a1?.body).toBe("a1");
    expect((await queue.receive(poll)).map((m) => m.body)).toEqual(["b1"]);
    expect(await queue.receive(poll)).toEqual([]);
    await queue.ack([a1!.receiptHandle]);
    expect((await queue.receive(poll)).map((m) => m.body)).toEqual(["a2"]);
  });

  it("redelivers after the visibility timeout with receiveCount 2 and a new handle", async () => {
    await queue.send([message("again")]);
    const [first] = await queue.receive({ ...poll, visibilitySeconds: 30 });
    h.advance(29);
    expect(await queue.receive(poll)).toEqual([]);
    h.advance(2);
    const [second] = await queue.receive(poll);
    expect(second).toMatchObject({ id: first!.id, body: "again", receiveCount: 2 });
    expect(second!.receiptHandle).not.toBe(first!.receiptHandle);
  });

  it("delay(…, 0) makes a message visible now; delay(…, n) extends from now", async () => {
    await queue.send([message("nack")]);
    const [m] = await queue.receive({ ...poll, visibilitySeconds: 300 });
    await queue.delay(m!.receiptHandle, 0);
    const [back] = await queue.receive({ ...poll, visibilitySeconds: 30 });
    expect(back).toMatchObject({ id: m!.id, receiveCount: 2 });
    h.advance(20);
    await queue.delay(back!.receiptHandle, 60);
    h.advance(50);
    expect(await queue.receive(poll)).toEqual([]);
    h.advance(11);
    expect((await queue.receive(poll)).map((x) => x.receiveCount)).toEqual([3]);
  });

  it("reports an ack with a stale handle as failed, and rejects delaying it", async () => {
    await queue.send([message("stale"), message("fresh", "job-2")]);
    const [stale, fresh] = await queue.receive({ ...poll, visibilitySeconds: 10 });
    h.advance(11);
    const redelivered = await queue.receive(poll);
    expect(redelivered.map((m) => m.body)).toEqual(["stale", "fresh"]);
    expect(await queue.ack([redelivered[1]!.receiptHandle, stale!.receiptHandle])).toEqual({
      failed: [stale!.receiptHandle],
    });
    await expect(queue.delay(fresh!.receiptHandle, 0)).rejects.toThrow();
  });

  it("dead-letters a message with its reason and removes it from the queue", async () => {
    await queue.send([message('{"kind":"nope"}')]);
    const [m] = await queue.receive(poll);
    await queue.deadLetter(m!, "body does not match the scale schema");
    expect(await h.deadLetters()).toEqual([
      { body: '{"kind":"nope"}', reason: "body does not match the scale schema" },
    ]);
    h.advance(60);
    expect(await queue.receive(poll)).toEqual([]);
  });

  it("ends a long poll as soon as a message arrives", async () => {
    const started = performance.now();
    const waiting = queue.receive({ ...poll, waitSeconds: 10 });
    setTimeout(() => void queue.send([message("wake")]), 100);
    expect((await waiting).map((m) => m.body)).toEqual(["wake"]);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it("answers an aborted long poll with nothing, promptly", async () => {
    const controller = new AbortController();
    const started = performance.now();
    const waiting = queue.receive({ ...poll, waitSeconds: 20, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await waiting).toEqual([]);
    expect(performance.now() - started).toBeLessThan(3000);
    await queue.send([message("kept")]);
    expect((await queue.receive(poll)).map((m) => m.body)).toEqual(["kept"]);
  });

  it("surfaces partial failures: a refused message fails send, a bad handle fails alone in ack", async () => {
    await expect(
      queue.send([message("ok", "g", "ok"), message("bad\u0000", "g", "bad-dedup")]),
    ).rejects.toThrow(/bad-dedup/);
    await queue.send([message("one", "g1"), message("two", "g2")]);
    const [one, two] = (await queue.receive(poll)).filter((m) => m.body !== "ok");
    h.advance(31);
    await queue.receive(poll);
    const result = await queue.ack([one!.receiptHandle, two!.receiptHandle]);
    expect(result.failed.sort()).toEqual([one!.receiptHandle, two!.receiptHandle].sort());
  });
});
