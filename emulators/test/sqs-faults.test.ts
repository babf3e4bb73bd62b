import {
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type QueueSnapshot, type SqsEmulator, startSqsEmulator } from "../src/sqs/emulator.js";

/** Fault injection, latency, outages, call statistics and the control endpoints. */

let emulator: SqsEmulator;
let sqs: SQSClient;

beforeAll(async () => {
  emulator = await startSqsEmulator();
  sqs = new SQSClient({
    endpoint: emulator.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
});

afterEach(() => {
  emulator.setOutage(false);
  emulator.setLatency("*", 0);
});

afterAll(async () => {
  sqs.destroy();
  await emulator.stop();
});

async function failure(promise: Promise<unknown>) {
  return promise.then(
    () => undefined,
    (e: { name: string; $fault: string; $metadata: { httpStatusCode?: number } }) => ({
      name: e.name,
      fault: e.$fault,
      status: e.$metadata.httpStatusCode,
    }),
  );
}

describe("faults", () => {
  it.each([
    ["RequestThrottled", undefined, { name: "RequestThrottled", fault: "client", status: 403 }],
    ["ThrottlingException", undefined, { name: "ThrottlingException", fault: "client", status: 400 }],
    ["InternalError", undefined, { name: "InternalError", fault: "server", status: 500 }],
    ["ServiceUnavailable", 503, { name: "ServiceUnavailable", fault: "server", status: 503 }],
    ["KmsThrottled", 400, { name: "KmsThrottled", fault: "client", status: 400 }],
  ])("injects %s for the next call of an action only", async (code, status, expected) => {
    const url = await emulator.createQueue("faulty");
    emulator.injectFault({ action: "SendMessage", code, status });
    expect(await failure(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" })))).toEqual(
      expected,
    );
    expect(
      await failure(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" }))),
    ).toBeUndefined();
  });

  it("fails `count` calls of any action with `*`", async () => {
    emulator.injectFault({ action: "*", code: "InternalError", count: 2 });
    expect((await failure(sqs.send(new ListQueuesCommand({}))))?.status).toBe(500);
    expect((await failure(sqs.send(new ListQueuesCommand({}))))?.status).toBe(500);
    expect(await failure(sqs.send(new ListQueuesCommand({})))).toBeUndefined();
  });

  it("fails single batch entries with `scope: entry`, answering 200", async () => {
    const url = await emulator.createQueue("entries");
    emulator.injectFault({ action: "SendMessageBatch", code: "InternalError", scope: "entry" });
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: "a", MessageBody: "1" },
          { Id: "b", MessageBody: "2" },
        ],
      }),
    );
    expect(out.Failed).toEqual([
      expect.objectContaining({ Id: "a", Code: "InternalError", SenderFault: false }),
    ]);
    expect(out.Successful?.map((e) => e.Id)).toEqual(["b"]);
  });

  it("answers every call with 503 during an outage", async () => {
    emulator.setOutage(true);
    expect(await failure(sqs.send(new ListQueuesCommand({})))).toEqual({
      name: "ServiceUnavailable",
      fault: "server",
      status: 503,
    });
    emulator.setOutage(false);
    expect(await failure(sqs.send(new ListQueuesCommand({})))).toBeUndefined();
  });

  it("adds latency per action", async () => {
    emulator.setLatency("ListQueues", 150);
    const started = performance.now();
    await sqs.send(new ListQueuesCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("counts calls per action, including faulted ones", async () => {
    const url = await emulator.createQueue("counted");
    const before = emulator.stats();
    emulator.injectFault({ action: "ReceiveMessage", code: "InternalError" });
    await failure(sqs.send(new ReceiveMessageCommand({ QueueUrl: url })));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    const after = emulator.stats();
    expect((after.calls.ReceiveMessage ?? 0) - (before.calls.ReceiveMessage ?? 0)).toBe(2);
    expect((after.faulted.ReceiveMessage ?? 0) - (before.faulted.ReceiveMessage ?? 0)).toBe(1);
  });
});

describe("control endpoints", () => {
  it("lists queue snapshots", async () => {
    const url = await emulator.createQueue("visible-over-http");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "peek" }));
    const res = await fetch(`${emulator.url}/_emulator/queues`);
    const { queues } = (await res.json()) as { queues: QueueSnapshot[] };
    expect(queues.find((q) => q.name === "visible-over-http")?.visible.map((m) => m.body)).toEqual(["peek"]);
  });

  it("injects faults and outages from another process", async () => {
    const post = (body: unknown) =>
      fetch(`${emulator.url}/_emulator/faults`, { method: "POST", body: JSON.stringify(body) });
    expect((await post({ action: "ListQueues", code: "RequestThrottled" })).status).toBe(200);
    expect((await failure(sqs.send(new ListQueuesCommand({}))))?.name).toBe("RequestThrottled");
    expect((await post({ outage: true })).status).toBe(200);
    expect((await failure(sqs.send(new ListQueuesCommand({}))))?.status).toBe(503);
    expect((await post({ outage: false })).status).toBe(200);
    expect((await post({ latency: { action: "*", ms: 0 } })).status).toBe(200);
    expect((await post({ nonsense: 1 })).status).toBe(400);
    expect(await failure(sqs.send(new ListQueuesCommand({})))).toBeUndefined();
  });
});
