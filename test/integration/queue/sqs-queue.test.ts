import { SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SqsEmulator, startSqsEmulator } from "../../../emulators/src/sqs/emulator.js";
import { ThrottledError, UnavailableError } from "../../../src/errors.js";
import type { JobQueue, OutgoingMessage } from "../../../src/queue/job-queue.js";
import { createSqsQueue, DEAD_LETTER_REASON_ATTRIBUTE } from "../../../src/queue/sqs.js";

/** What the SQS adapter adds over the contract: batching, retries of failed entries, error translation. */

let emulator: SqsEmulator;
let client: SQSClient;
let queue: JobQueue;
let queueUrl: string;

beforeEach(async () => {
  emulator = await startSqsEmulator();
  const deadLetterQueueUrl = await emulator.createQueue("dead.fifo", { FifoQueue: "true" });
  queueUrl = await emulator.createQueue("scale.fifo", { FifoQueue: "true" });
  client = new SQSClient({
    endpoint: emulator.url,
    region: emulator.region,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  queue = createSqsQueue({ client, queueUrl, deadLetterQueueUrl });
});

afterEach(async () => {
  client.destroy();
  await emulator.stop();
});

const messages = (count: number): OutgoingMessage[] =>
  Array.from({ length: count }, (_, i) => ({
    body: `{"n":${i}}`,
    groupId: `job-${i}`,
    dedupId: `scale-${i}`,
  }));
const calls = (action: string) => emulator.stats().calls[action] ?? 0;
const poll = { max: 10, waitSeconds: 0, visibilitySeconds: 30 };

describe("batching", () => {
  it("sends and acks in batches of 10", async () => {
    await queue.send(messages(25));
    expect(calls("SendMessageBatch")).toBe(3);
    expect(emulator.queue("scale.fifo")?.visible).toHaveLength(25);
    const handles: string[] = [];
    for (let i = 0; i < 3; i++) handles.push(...(await queue.receive(poll)).map((m) => m.receiptHandle));
    expect(handles).toHaveLength(25);
    expect(await queue.ack(handles)).toEqual({ failed: [] });
    expect(calls("DeleteMessageBatch")).toBe(3);
    expect(emulator.queue("scale.fifo")?.inFlight).toEqual([]);
  });

  it("retries entries SQS failed on its side, then succeeds", async () => {
    emulator.injectFault({ action: "SendMessageBatch", code: "InternalError", scope: "entry", count: 2 });
    await queue.send(messages(3));
    expect(calls("SendMessageBatch")).toBe(2);
    expect(emulator.queue("scale.fifo")?.visible.map((m) => m.body)).toEqual([
      '{"n":2}',
      '{"n":0}',
      '{"n":1}',
    ]);
  });

  it("gives up after a couple of retries, naming what failed", async () => {
    emulator.injectFault({ action: "SendMessageBatch", code: "InternalError", scope: "entry", count: 10 });
    const error = await queue.send(messages(2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(String(error)).toMatch(/scale-0 \(InternalError/);
    expect(calls("SendMessageBatch")).toBe(3);
  });

  it("does not retry entries SQS refused as the sender's fault", async () => {
    const bad = { body: "", groupId: "g", dedupId: "empty-body" };
    const error = await queue.send([bad, ...messages(1)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UnavailableError);
    expect(String(error)).toMatch(/empty-body \(MissingParameter/);
    expect(calls("SendMessageBatch")).toBe(1);
    expect(emulator.queue("scale.fifo")?.visible).toHaveLength(1);
  });

  it("coalesces lone sends made together into shared calls, each caller settled by its own entry", async () => {
    const bad = { body: "", groupId: "g", dedupId: "empty-body" };
    const lone = [...messages(11), bad].map((m) =>
      queue.send([m]).then(
        () => "sent",
        (e: Error) => e.message,
      ),
    );
    const outcomes = await Promise.all(lone);
    expect(calls("SendMessageBatch")).toBe(2);
    expect(outcomes.slice(0, 11)).toEqual(Array(11).fill("sent"));
    expect(outcomes[11]).toMatch(/SQS refused 1 of 1 messages: empty-body \(MissingParameter/);
    expect(emulator.queue("scale.fifo")?.visible).toHaveLength(11);
  });

  it("fails every coalesced send when the queue is down, so no webhook is answered as queued", async () => {
    emulator.setOutage(true);
    const outcomes = await Promise.allSettled(messages(5).map((m) => queue.send([m])));
    expect(outcomes.map((o) => o.status)).toEqual(Array(5).fill("rejected"));
    for (const o of outcomes) expect((o as PromiseRejectedResult).reason).toBeInstanceOf(UnavailableError);
    emulator.setOutage(false);
    expect(emulator.queue("scale.fifo")?.visible).toEqual([]);
  });

  it("retries coalesced entries SQS failed on its side within the same sends", async () => {
    emulator.injectFault({ action: "SendMessageBatch", code: "InternalError", scope: "entry", count: 2 });
    const outcomes = await Promise.allSettled(messages(3).map((m) => queue.send([m])));
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    expect(calls("SendMessageBatch")).toBe(2);
    expect(emulator.queue("scale.fifo")?.visible).toHaveLength(3);
  });

  it("coalesces visibility changes into ChangeMessageVisibilityBatch, failing only the bad handle", async () => {
    await queue.send(messages(3));
    const received = await queue.receive(poll);
    const handles = [...received.map((m) => m.receiptHandle), "not-a-handle"];
    const outcomes = await Promise.allSettled(handles.map((h) => queue.delay(h, 0)));
    expect(calls("ChangeMessageVisibilityBatch")).toBe(1);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected"]);
    expect(emulator.queue("scale.fifo")?.visible).toHaveLength(3);
  });

  it("returns the handles whose delete failed inside a batch", async () => {
    await queue.send(messages(2));
    const received = await queue.receive(poll);
    emulator.injectFault({ action: "DeleteMessageBatch", code: "InternalError", scope: "entry" });
    const result = await queue.ack(received.map((m) => m.receiptHandle));
    expect(result.failed).toEqual([received[0]!.receiptHandle]);
  });
});

describe("error translation", () => {
  it.each([
    ["RequestThrottled", ThrottledError],
    ["ThrottlingException", ThrottledError],
    ["InternalError", UnavailableError],
    ["ServiceUnavailable", UnavailableError],
  ])("turns %s into %s, keeping the cause", async (code, expected) => {
    emulator.injectFault({ action: "ReceiveMessage", code });
    const error = await queue.receive(poll).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(expected);
    expect((error as Error).cause).toMatchObject({ name: code });
  });

  it("turns an outage and an unreachable endpoint into UnavailableError", async () => {
    emulator.setOutage(true);
    await expect(queue.send(messages(1))).rejects.toBeInstanceOf(UnavailableError);
    emulator.setOutage(false);
    await emulator.stop();
    await expect(queue.ack(["x"])).rejects.toBeInstanceOf(UnavailableError);
  });

  it("passes other errors through", async () => {
    const missing = createSqsQueue({
      client,
      queueUrl: emulator.queueUrl("gone.fifo"),
      deadLetterQueueUrl: queueUrl,
    });
    await expect(missing.receive(poll)).rejects.toMatchObject({ name: "QueueDoesNotExist" });
  });
});

describe("dead letters", () => {
  it("keeps the group, dedups on the message id and carries the reason", async () => {
    await queue.send(messages(1));
    const [m] = await queue.receive(poll);
    await queue.deadLetter(m!, "job 0 is invalid: no pool");
    const [dead] = emulator.queue("dead.fifo")?.visible ?? [];
    expect(dead).toMatchObject({ body: '{"n":0}', groupId: "job-0", dedupId: m!.id });
    expect(dead?.attributes[DEAD_LETTER_REASON_ATTRIBUTE]).toEqual({
      DataType: "String",
      StringValue: "job 0 is invalid: no pool",
    });
    expect(emulator.queue("scale.fifo")?.inFlight).toEqual([]);
  });
});
