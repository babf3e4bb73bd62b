import {
  ChangeMessageVisibilityCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SqsEmulator, startSqsEmulator } from "../src/sqs/emulator.js";

/** ReceiveMessage long polling in real time, through the real SDK client, and how stop() ends it. */

describe("long polling", () => {
  let realClockEmulator: SqsEmulator;
  let client: SQSClient;

  beforeAll(async () => {
    realClockEmulator = await startSqsEmulator();
    client = new SQSClient({
      endpoint: realClockEmulator.url,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    client.destroy();
    await realClockEmulator.stop();
  });

  it("returns as soon as a message arrives", async () => {
    const url = await realClockEmulator.createQueue("lp.fifo", { FifoQueue: "true" });
    const started = performance.now();
    const polling = client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10 }));
    setTimeout(() => {
      void client.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: "hi",
          MessageGroupId: "g",
          MessageDeduplicationId: "1",
        }),
      );
    }, 150);
    const out = await polling;
    expect(out.Messages?.map((m) => m.Body)).toEqual(["hi"]);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("returns when a visibility timeout ends during the wait", async () => {
    const url = await realClockEmulator.createQueue("lp2");
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "back" }));
    await client.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 1 }));
    const started = performance.now();
    const out = await client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5 }));
    expect(out.Messages?.map((m) => m.Body)).toEqual(["back"]);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it("notices a visibility timeout shortened during the wait", async () => {
    const url = await realClockEmulator.createQueue("lp5");
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "soon" }));
    const out = await client.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 60 }));
    const started = performance.now();
    const polling = client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5 }));
    await new Promise((r) => setTimeout(r, 50));
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: out.Messages![0]!.ReceiptHandle,
        VisibilityTimeout: 1,
      }),
    );
    expect((await polling).Messages?.map((m) => m.Body)).toEqual(["soon"]);
    expect(performance.now() - started).toBeLessThan(2500);
  });

  it("answers empty after the wait when nothing comes", async () => {
    const url = await realClockEmulator.createQueue("lp3");
    const started = performance.now();
    const out = await client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
    expect(out.Messages).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("does not hand messages to a poll whose client gave up", async () => {
    const url = await realClockEmulator.createQueue("lp4");
    const controller = new AbortController();
    const abandoned = client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10 }), {
      abortSignal: controller.signal,
    });
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    await expect(abandoned).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "kept" }));
    expect(realClockEmulator.queue("lp4")?.visible.map((m) => m.body)).toEqual(["kept"]);
  });
});

describe("stop", () => {
  it("ends long polls early", async () => {
    const own = await startSqsEmulator();
    const client = new SQSClient({
      endpoint: own.url,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    const url = await own.createQueue("waiting");
    const started = performance.now();
    const polling = client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    await new Promise((r) => setTimeout(r, 100));
    await own.stop();
    const out = await polling;
    expect(out.Messages).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(2000);
    client.destroy();
  });
});
