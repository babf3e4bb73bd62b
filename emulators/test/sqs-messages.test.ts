import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type SqsEmulator, startSqsEmulator } from "../src/sqs/emulator.js";

/**
 * Message semantics through the real SDK client: FIFO groups and deduplication, visibility, redrive,
 * delays, retention, batches. The emulator's clock is injected so timeouts pass instantly (long polling,
 * which needs real time, is in sqs-long-polling.test.ts).
 */

let emulator: SqsEmulator;
let sqs: SQSClient;
let clock = Date.now();
let n = 0;

beforeAll(async () => {
  emulator = await startSqsEmulator({ now: () => clock });
  sqs = new SQSClient({
    endpoint: emulator.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  sqs.destroy();
  await emulator.stop();
});

const advance = (seconds: number) => {
  clock += seconds * 1000;
};

/** A fresh FIFO queue (explicit dedup ids unless content-based) per test. */
async function fifoQueue(attributes: Record<string, string> = {}) {
  const name = `q${++n}.fifo`;
  return { name, url: await emulator.createQueue(name, { FifoQueue: "true", ...attributes }) };
}

async function send(url: string, body: string, group = "g", dedup = body) {
  return sqs.send(
    new SendMessageCommand({
      QueueUrl: url,
      MessageBody: body,
      MessageGroupId: group,
      MessageDeduplicationId: dedup,
    }),
  );
}

async function receive(
  url: string,
  max = 10,
  extra: { VisibilityTimeout?: number; WaitTimeSeconds?: number } = {},
) {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: max,
      MessageSystemAttributeNames: [
        "ApproximateReceiveCount",
        "MessageGroupId",
        "SentTimestamp",
        "SequenceNumber",
      ],
      ...extra,
    }),
  );
  return out.Messages ?? [];
}

const bodies = (messages: Message[]) => messages.map((m) => m.Body);

async function nameOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "no error",
    (e: { name: string }) => e.name,
  );
}

describe("FIFO", () => {
  it("delivers a group in order, one batch at a time, and blocks it while a message is in flight", async () => {
    const { url } = await fifoQueue();
    for (const body of ["a1", "a2", "b1", "a3"]) await send(url, body, body[0]);
    const first = await receive(url, 2);
    expect(bodies(first)).toEqual(["a1", "a2"]);
    expect(bodies(await receive(url))).toEqual(["b1"]);
    expect(await receive(url)).toEqual([]);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: first.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    expect(bodies(await receive(url))).toEqual(["a3"]);
  });

  it("collapses duplicates within 5 minutes and returns the original MessageId", async () => {
    const { url } = await fifoQueue();
    const original = await send(url, "job-1", "g", "dedup-1");
    const duplicate = await send(url, "job-1 again", "g", "dedup-1");
    expect(duplicate.MessageId).toBe(original.MessageId);
    expect(bodies(await receive(url))).toEqual(["job-1"]);
    advance(5 * 60 + 1);
    const later = await send(url, "job-1 later", "g2", "dedup-1");
    expect(later.MessageId).not.toBe(original.MessageId);
  });

  it("deduplicates on the body's SHA-256 when ContentBasedDeduplication is on", async () => {
    const { url } = await fifoQueue({ ContentBasedDeduplication: "true" });
    const a = await sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: "same", MessageGroupId: "g" }),
    );
    const b = await sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: "same", MessageGroupId: "h" }),
    );
    expect(b.MessageId).toBe(a.MessageId);
    expect(emulator.queue(url.split("/").at(-1)!)?.visible[0]?.dedupId).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ["no MessageGroupId", { MessageDeduplicationId: "d" }, "MissingParameter"],
    [
      "no deduplication id without content-based deduplication",
      { MessageGroupId: "g" },
      "InvalidParameterValue",
    ],
    [
      "a per-message DelaySeconds",
      { MessageGroupId: "g", MessageDeduplicationId: "d", DelaySeconds: 5 },
      "InvalidParameterValue",
    ],
    [
      "a group id with a space",
      { MessageGroupId: "a b", MessageDeduplicationId: "d" },
      "InvalidParameterValue",
    ],
  ])("refuses a message with %s", async (_what, params, expected) => {
    const { url } = await fifoQueue();
    expect(
      await nameOf(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", ...params }))),
    ).toBe(expected);
  });

  it("refuses an expired receipt handle on delete (the message may be redelivered)", async () => {
    const { url } = await fifoQueue();
    await send(url, "m");
    const [first] = await receive(url, 1, { VisibilityTimeout: 10 });
    advance(11);
    expect(
      await nameOf(
        sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first!.ReceiptHandle })),
      ),
    ).toBe("InvalidParameterValue");
    const [second] = await receive(url);
    expect(second?.Attributes?.ApproximateReceiveCount).toBe("2");
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second!.ReceiptHandle }));
    // Deleting the same message again succeeds, as in SQS.
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second!.ReceiptHandle }));
  });

  it("assigns increasing 20-digit sequence numbers", async () => {
    const { url } = await fifoQueue();
    const a = await send(url, "s1");
    const b = await send(url, "s2");
    expect(a.SequenceNumber).toMatch(/^\d{20}$/);
    expect(BigInt(b.SequenceNumber!)).toBeGreaterThan(BigInt(a.SequenceNumber!));
  });
});

describe("visibility", () => {
  it("redelivers after the visibility timeout with ApproximateReceiveCount + 1", async () => {
    const { url } = await fifoQueue({ VisibilityTimeout: "30" });
    await send(url, "v");
    const [first] = await receive(url);
    expect(first?.Attributes).toMatchObject({ ApproximateReceiveCount: "1", MessageGroupId: "g" });
    advance(29);
    expect(await receive(url)).toEqual([]);
    advance(2);
    const [again] = await receive(url);
    expect(again?.MessageId).toBe(first?.MessageId);
    expect(again?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
    expect(again?.Attributes?.ApproximateReceiveCount).toBe("2");
  });

  it("counts a new timeout from the ChangeMessageVisibility call; 0 makes the message visible now", async () => {
    const { url } = await fifoQueue();
    await send(url, "c");
    const [m] = await receive(url, 1, { VisibilityTimeout: 5 });
    advance(4);
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: m!.ReceiptHandle,
        VisibilityTimeout: 10,
      }),
    );
    advance(9);
    expect(await receive(url)).toEqual([]);
    const [again] = await receive(url, 1, { VisibilityTimeout: 0 });
    expect(again).toBeUndefined();
    advance(2);
    const [third] = await receive(url, 1, { VisibilityTimeout: 60 });
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: third!.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    expect(bodies(await receive(url))).toEqual(["c"]);
  });

  it.each([
    ["a handle that is not one", "garbage", 10, "ReceiptHandleIsInvalid"],
    ["a timeout above 12 hours", undefined, 43_201, "InvalidParameterValue"],
  ])("refuses %s", async (_what, handle, timeout, expected) => {
    const { url } = await fifoQueue();
    await send(url, "x");
    const [m] = await receive(url);
    const call = new ChangeMessageVisibilityCommand({
      QueueUrl: url,
      ReceiptHandle: handle ?? m!.ReceiptHandle,
      VisibilityTimeout: timeout,
    });
    expect(await nameOf(sqs.send(call))).toBe(expected);
  });

  it("refuses to extend beyond 12 hours from receipt, and reports a message no longer in flight", async () => {
    const { url } = await fifoQueue();
    await send(url, "x");
    const [m] = await receive(url, 1, { VisibilityTimeout: 43_200 });
    advance(600);
    const extend = (seconds: number) =>
      sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: url,
          ReceiptHandle: m!.ReceiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    expect(await nameOf(extend(43_200))).toBe("InvalidParameterValue");
    await extend(0);
    expect(await nameOf(extend(10))).toBe("MessageNotInflight");
  });

  it("reports per-entry failures in ChangeMessageVisibilityBatch", async () => {
    const { url } = await fifoQueue();
    await send(url, "x");
    const [m] = await receive(url);
    const out = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: "ok", ReceiptHandle: m!.ReceiptHandle, VisibilityTimeout: 100 },
          { Id: "bad", ReceiptHandle: "nope", VisibilityTimeout: 100 },
        ],
      }),
    );
    expect(out.Successful).toEqual([{ Id: "ok" }]);
    expect(out.Failed).toEqual([
      expect.objectContaining({ Id: "bad", Code: "ReceiptHandleIsInvalid", SenderFault: true }),
    ]);
  });
});

describe("dead-letter queues", () => {
  it("moves a message at receive time once it would exceed maxReceiveCount", async () => {
    const dlq = await fifoQueue();
    const arn = `arn:aws:sqs:us-east-1:123456789012:${dlq.name}`;
    const { name, url } = await fifoQueue({
      VisibilityTimeout: "10",
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 2 }),
    });
    await send(url, "poison");
    await send(url, "next", "other");
    expect(bodies(await receive(url, 1))).toEqual(["poison"]);
    advance(11);
    const second = await receive(url, 1);
    expect(second[0]?.Attributes?.ApproximateReceiveCount).toBe("2");
    advance(11);
    expect(bodies(await receive(url))).toEqual(["next"]);
    const snapshot = emulator.queue(name);
    expect(snapshot?.deadLetterQueue?.messages.map((m) => m.body)).toEqual(["poison"]);
    const [dead] = await sqs
      .send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MessageSystemAttributeNames: ["All"] }))
      .then((o) => o.Messages ?? []);
    expect(dead?.Attributes).toMatchObject({
      DeadLetterQueueSourceArn: `arn:aws:sqs:us-east-1:123456789012:${name}`,
      MessageGroupId: "g",
      ApproximateReceiveCount: "1",
    });
    expect(dead?.MessageId).toBe(second[0]?.MessageId);
  });
});

describe("standard queues", () => {
  let url: string;
  beforeEach(async () => {
    url = await emulator.createQueue(`std${++n}`);
  });

  it("delays per message and refuses deduplication ids", async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "later", DelaySeconds: 60 }));
    expect(await receive(url)).toEqual([]);
    expect(emulator.queue(`std${n}`)?.delayed).toHaveLength(1);
    advance(61);
    expect(bodies(await receive(url))).toEqual(["later"]);
    expect(
      await nameOf(
        sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", MessageDeduplicationId: "d" })),
      ),
    ).toBe("InvalidParameterValue");
  });

  it("ignores an older receipt handle on delete, as SQS does", async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "m" }));
    const [first] = await receive(url, 1, { VisibilityTimeout: 1 });
    advance(2);
    const [second] = await receive(url, 1, { VisibilityTimeout: 30 });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first!.ReceiptHandle }));
    expect(emulator.queue(`std${n}`)?.inFlight.map((m) => m.messageId)).toEqual([second!.MessageId]);
  });

  it("drops messages past the retention period", async () => {
    const short = await emulator.createQueue(`ret${++n}`, { MessageRetentionPeriod: "60" });
    await sqs.send(new SendMessageCommand({ QueueUrl: short, MessageBody: "old" }));
    advance(61);
    expect(await receive(short)).toEqual([]);
  });

  it("returns message attributes with the MD5 that SQS computes", async () => {
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: "derp",
        MessageAttributes: { timestamp: { DataType: "Number", StringValue: "1493147359900" } },
      }),
    );
    // Digests pinned by moto's SQS tests (tests/test_sqs/test_sqs.py) as AWS's answers.
    expect(sent.MD5OfMessageBody).toBe("58fd9edd83341c29f1aebba81c31e257");
    expect(sent.MD5OfMessageAttributes).toBe("235c5c510d26fb653d073faed50ae77c");
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ["All"] }));
    expect(out.Messages?.[0]?.MessageAttributes).toEqual({
      timestamp: { DataType: "Number", StringValue: "1493147359900" },
    });
    expect(out.Messages?.[0]?.MD5OfMessageAttributes).toBe("235c5c510d26fb653d073faed50ae77c");
  });

  it("round-trips binary attributes and refuses bad ones", async () => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: "bin",
        MessageAttributes: { blob: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 2, 255]) } },
      }),
    );
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ["blob"] }));
    expect([...(out.Messages?.[0]?.MessageAttributes?.blob?.BinaryValue ?? [])]).toEqual([0, 1, 2, 255]);
    const bad = sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: "x",
        MessageAttributes: { n: { DataType: "Number", StringValue: "abc" } },
      }),
    );
    expect(await nameOf(bad)).toBe("InvalidParameterValue");
  });

  it("refuses bodies with characters SQS does not allow", async () => {
    expect(await nameOf(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "bell\u0007" })))).toBe(
      "InvalidMessageContents",
    );
  });
});

describe("batches", () => {
  it("reports per-entry send failures with HTTP 200", async () => {
    const { url } = await fifoQueue();
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: "good", MessageBody: "1", MessageGroupId: "g", MessageDeduplicationId: "1" },
          { Id: "no-group", MessageBody: "2", MessageDeduplicationId: "2" },
        ],
      }),
    );
    expect(out.Successful?.map((e) => e.Id)).toEqual(["good"]);
    expect(out.Failed).toEqual([
      expect.objectContaining({ Id: "no-group", Code: "MissingParameter", SenderFault: true }),
    ]);
  });

  it.each([
    ["no entries", [], "EmptyBatchRequest"],
    [
      "11 entries",
      Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: "x" })),
      "TooManyEntriesInBatchRequest",
    ],
    [
      "repeated ids",
      [
        { Id: "a", MessageBody: "x" },
        { Id: "a", MessageBody: "y" },
      ],
      "BatchEntryIdsNotDistinct",
    ],
    ["an id with a dot", [{ Id: "a.b", MessageBody: "x" }], "InvalidBatchEntryId"],
  ])("refuses a batch with %s", async (_what, entries, expected) => {
    const url = await emulator.createQueue(`batch${++n}`);
    expect(await nameOf(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries })))).toBe(
      expected,
    );
  });

  it("deletes in batches, failing only the bad handles", async () => {
    const { url } = await fifoQueue();
    await send(url, "d1", "a");
    await send(url, "d2", "b");
    const received = await receive(url);
    const out = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          ...received.map((m, i) => ({ Id: `ok${i}`, ReceiptHandle: m.ReceiptHandle })),
          { Id: "bad", ReceiptHandle: "not-a-handle" },
        ],
      }),
    );
    expect(out.Successful).toHaveLength(2);
    expect(out.Failed).toEqual([expect.objectContaining({ Id: "bad", Code: "ReceiptHandleIsInvalid" })]);
  });
});
