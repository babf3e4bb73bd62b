import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SqsEmulator, startSqsEmulator } from "../src/sqs/emulator.js";

/** Queue management, the wire protocol and its errors, through the real SDK client. */

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

afterAll(async () => {
  sqs.destroy();
  await emulator.stop();
});

async function errorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) =>
      e as { name: string; Code?: string; $fault?: string; $metadata: { httpStatusCode?: number } },
  );
  if (!error) throw new Error("expected the call to fail");
  return { name: error.name, code: error.Code, fault: error.$fault, status: error.$metadata.httpStatusCode };
}

describe("queues", () => {
  it("creates a queue at http://<host>:<port>/<account>/<name>, idempotently for the same attributes", async () => {
    const first = await sqs.send(
      new CreateQueueCommand({ QueueName: "jobs", Attributes: { VisibilityTimeout: "60" } }),
    );
    expect(first.QueueUrl).toBe(`${emulator.url}/123456789012/jobs`);
    const again = await sqs.send(
      new CreateQueueCommand({ QueueName: "jobs", Attributes: { VisibilityTimeout: "60" } }),
    );
    expect(again.QueueUrl).toBe(first.QueueUrl);
    const url = await sqs.send(new GetQueueUrlCommand({ QueueName: "jobs" }));
    expect(url.QueueUrl).toBe(first.QueueUrl);
  });

  it("refuses the same name with different attributes (QueueNameExists)", async () => {
    await sqs.send(new CreateQueueCommand({ QueueName: "same", Attributes: { DelaySeconds: "5" } }));
    expect(
      await errorOf(
        sqs.send(new CreateQueueCommand({ QueueName: "same", Attributes: { DelaySeconds: "6" } })),
      ),
    ).toEqual({ name: "QueueNameExists", code: "QueueAlreadyExists", fault: "client", status: 400 });
  });

  it.each([
    ["a FIFO queue without the .fifo suffix", "plain", { FifoQueue: "true" }, "InvalidParameterValue"],
    ["a .fifo name for a standard queue", "plain.fifo", {}, "InvalidParameterValue"],
    ["a name with a slash", "a/b", {}, "InvalidParameterValue"],
    ["a name longer than 80", "x".repeat(81), {}, "InvalidParameterValue"],
    ["an unknown attribute", "q1", { Colour: "blue" }, "InvalidAttributeName"],
    [
      "a FIFO-only attribute on a standard queue",
      "q2",
      { ContentBasedDeduplication: "true" },
      "InvalidAttributeName",
    ],
    ["a visibility timeout above 12 hours", "q3", { VisibilityTimeout: "43201" }, "InvalidAttributeValue"],
    ["a wait time above 20 s", "q4", { ReceiveMessageWaitTimeSeconds: "21" }, "InvalidAttributeValue"],
    [
      "a redrive policy naming no queue",
      "q5",
      {
        RedrivePolicy:
          '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:none","maxReceiveCount":3}',
      },
      "InvalidParameterValue",
    ],
  ] as const)("refuses %s", async (_what, name, attributes, expected) => {
    // Attributes is typed by the known names; the emulator must also cope with unknown ones.
    const Attributes = attributes as Record<string, string>;
    const error = await errorOf(sqs.send(new CreateQueueCommand({ QueueName: name, Attributes })));
    expect(error.name).toBe(expected);
    expect(error.status).toBe(400);
  });

  it("requires a FIFO queue's dead-letter queue to be FIFO", async () => {
    await sqs.send(new CreateQueueCommand({ QueueName: "standard-dlq" }));
    const policy = JSON.stringify({
      deadLetterTargetArn: "arn:aws:sqs:us-east-1:123456789012:standard-dlq",
      maxReceiveCount: 3,
    });
    const error = await errorOf(
      sqs.send(
        new CreateQueueCommand({
          QueueName: "src.fifo",
          Attributes: { FifoQueue: "true", RedrivePolicy: policy },
        }),
      ),
    );
    expect(error.name).toBe("InvalidParameterValue");
  });

  it("answers QueueDoesNotExist with the query code the SDK maps back", async () => {
    expect(await errorOf(sqs.send(new GetQueueUrlCommand({ QueueName: "missing" })))).toEqual({
      name: "QueueDoesNotExist",
      code: "AWS.SimpleQueueService.NonExistentQueue",
      fault: "client",
      status: 400,
    });
    const error = await errorOf(
      sqs.send(new SendMessageCommand({ QueueUrl: emulator.queueUrl("missing"), MessageBody: "x" })),
    );
    expect(error.name).toBe("QueueDoesNotExist");
  });

  it("lists queues by prefix, with pagination when MaxResults is given", async () => {
    for (const name of ["list-a", "list-b", "list-c"]) await emulator.createQueue(name);
    const all = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "list-" }));
    expect(all.QueueUrls).toEqual(["list-a", "list-b", "list-c"].map((n) => emulator.queueUrl(n)));
    const page1 = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "list-", MaxResults: 2 }));
    expect(page1.QueueUrls).toHaveLength(2);
    const page2 = await sqs.send(
      new ListQueuesCommand({ QueueNamePrefix: "list-", MaxResults: 2, NextToken: page1.NextToken }),
    );
    expect(page2.QueueUrls).toEqual([emulator.queueUrl("list-c")]);
    expect(page2.NextToken).toBeUndefined();
    expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "zzz" }))).QueueUrls).toBeUndefined();
  });

  it("reports named and All attributes, including message counts and the ARN", async () => {
    const url = await emulator.createQueue("counted.fifo", {
      FifoQueue: "true",
      ContentBasedDeduplication: "true",
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "one", MessageGroupId: "g1" }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "two", MessageGroupId: "g2" }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    const named = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: [
          "QueueArn",
          "ApproximateNumberOfMessages",
          "ApproximateNumberOfMessagesNotVisible",
          "FifoQueue",
        ],
      }),
    );
    expect(named.Attributes).toEqual({
      QueueArn: "arn:aws:sqs:us-east-1:123456789012:counted.fifo",
      ApproximateNumberOfMessages: "1",
      ApproximateNumberOfMessagesNotVisible: "1",
      FifoQueue: "true",
    });
    const all = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }));
    expect(all.Attributes).toMatchObject({
      VisibilityTimeout: "30",
      ContentBasedDeduplication: "true",
      DelaySeconds: "0",
    });
    const unknown = await errorOf(
      sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["Nope" as "All"] })),
    );
    expect(unknown.name).toBe("InvalidAttributeName");
  });

  it("sets attributes, but not FifoQueue after creation", async () => {
    const url = await emulator.createQueue("settable");
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: "5" } }));
    expect(emulator.queue("settable")?.attributes.VisibilityTimeout).toBe("5");
    const error = await errorOf(
      sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { FifoQueue: "true" } })),
    );
    expect(error.name).toBe("InvalidAttributeName");
  });

  it("purges once per minute and deletes queues", async () => {
    const url = await emulator.createQueue("purged");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect(emulator.queue("purged")?.visible).toEqual([]);
    expect(await errorOf(sqs.send(new PurgeQueueCommand({ QueueUrl: url })))).toMatchObject({
      name: "PurgeQueueInProgress",
      status: 403,
    });
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    expect(emulator.queue("purged")).toBeUndefined();
  });
});

describe("wire protocol", () => {
  const post = (headers: Record<string, string>, body: string) =>
    fetch(`${emulator.url}/`, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", ...headers },
      body,
    });
  const signed = {
    authorization:
      "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc123",
  };

  it("refuses unsigned requests", async () => {
    const res = await post({ "x-amz-target": "AmazonSQS.ListQueues" }, "{}");
    expect(res.status).toBe(403);
    expect(res.headers.get("x-amzn-query-error")).toBe("MissingAuthenticationToken;Sender");
    expect(((await res.json()) as { __type: string }).__type).toContain("MissingAuthenticationToken");
  });

  it("answers an unknown operation with UnknownOperationException", async () => {
    const res = await post({ ...signed, "x-amz-target": "AmazonSQS.Teleport" }, "{}");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { __type: string }).__type).toBe(
      "com.amazon.coral.service#UnknownOperationException",
    );
  });

  it.each([
    ["malformed JSON", "{not json", "InvalidParameterValue"],
    ["a JSON array", "[]", "InvalidParameterValue"],
    ["a missing QueueUrl", "{}", "MissingParameter"],
    ["a QueueUrl that is not a URL", '{"QueueUrl":"::"}', "InvalidAddress"],
    ["a wrongly typed member", '{"QueueUrl":5}', "InvalidParameterValue"],
  ])("answers %s with a 4xx error, not a crash", async (_what, body, code) => {
    const res = await post({ ...signed, "x-amz-target": "AmazonSQS.SendMessage" }, body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get("x-amzn-query-error")).toBe(`${code};Sender`);
    expect(res.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
