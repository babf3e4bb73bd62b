import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { createEventBus, type EventBus } from "../src/eventbridge/event-bus.js";
import { type EventPattern, matchesPattern } from "../src/eventbridge/event-pattern.js";
import { type SqsEmulator, startSqsEmulator } from "../src/sqs/emulator.js";

/**
 * EventBridge → SQS as a consumer sees it, through the real SQS client: the body is the event JSON, a FIFO
 * target carries the rule's message group, a FIFO queue without content-based deduplication refuses the
 * delivery (as AWS documents), throttling is retried, and only matching events are delivered.
 */
const PATTERN = {
  source: ["aws.ec2"],
  "detail-type": ["EC2 Spot Instance Interruption Warning", "EC2 Instance State-change Notification"],
};

function event(detailType: string, id = "i-0123456789abcdef0") {
  return {
    version: "0",
    id: crypto.randomUUID(),
    "detail-type": detailType,
    source: "aws.ec2",
    account: "123456789012",
    time: "2026-01-01T00:00:00Z",
    region: "us-east-1",
    resources: [`arn:aws:ec2:us-east-1:123456789012:instance/${id}`],
    detail: { "instance-id": id, "instance-action": "terminate" },
  };
}

let sqs: SqsEmulator | undefined;
let bus: EventBus | undefined;
let client: SQSClient | undefined;

afterEach(async () => {
  bus?.stop();
  client?.destroy();
  await sqs?.stop();
});

async function setUp(attributes: Record<string, string>) {
  sqs = await startSqsEmulator();
  const queueUrl = await sqs.createQueue("reap.fifo", { FifoQueue: "true", ...attributes });
  client = new SQSClient({
    endpoint: sqs.url,
    region: "us-east-1",
    credentials: { accessKeyId: "t", secretAccessKey: "t" },
  });
  bus = createEventBus({
    rules: [{ name: "ec2", pattern: PATTERN, targets: [{ queueUrl, messageGroupId: "ec2-events" }] }],
    retryDelayMs: 10,
  });
  return { queueUrl, sqs, bus, client };
}

describe("EventBridge delivery to SQS", () => {
  it("delivers matching events as their JSON with the target's message group", async () => {
    const { queueUrl, bus, client } = await setUp({ ContentBasedDeduplication: "true" });
    const warning = event("EC2 Spot Instance Interruption Warning");
    bus.put(warning);
    bus.put(event("EC2 Instance Rebalance Recommendation"));
    bus.put({ ...event("EC2 Spot Instance Interruption Warning"), source: "aws.autoscaling" });
    await bus.drain();
    const out = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ["MessageGroupId"],
      }),
    );
    expect(out.Messages?.map((m) => JSON.parse(m.Body ?? ""))).toEqual([warning]);
    expect(out.Messages?.[0]?.Attributes?.MessageGroupId).toBe("ec2-events");
    expect(bus.stats()).toMatchObject({ received: 3, matched: 1, delivered: 1, failed: 0 });
  });

  it("is refused by a FIFO queue without content-based deduplication", async () => {
    const { bus } = await setUp({});
    bus.put(event("EC2 Spot Instance Interruption Warning"));
    await bus.drain();
    expect(bus.stats()).toMatchObject({ delivered: 0, failed: 1, lastFailure: "InvalidParameterValue" });
  });

  it("retries throttled deliveries", async () => {
    const { queueUrl, sqs, bus, client } = await setUp({ ContentBasedDeduplication: "true" });
    sqs.injectFault({ action: "SendMessageBatch", code: "ThrottlingException", count: 2 });
    bus.put(event("EC2 Instance State-change Notification"));
    await bus.drain();
    const out = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    expect(out.Messages).toHaveLength(1);
    expect(bus.stats()).toMatchObject({ delivered: 1, retried: 2, failed: 0 });
  });
});

describe("event patterns", () => {
  const cases: { name: string; pattern: EventPattern; event: unknown; match: boolean }[] = [
    { name: "listed value", pattern: { source: ["aws.ec2"] }, event: { source: "aws.ec2" }, match: true },
    { name: "other value", pattern: { source: ["aws.ec2"] }, event: { source: "aws.s3" }, match: false },
    { name: "missing field", pattern: { source: ["aws.ec2"] }, event: {}, match: false },
    {
      name: "nested",
      pattern: { detail: { state: ["terminated"] } },
      event: { detail: { state: "terminated" } },
      match: true,
    },
    { name: "array field", pattern: { resources: ["a"] }, event: { resources: ["b", "a"] }, match: true },
  ];
  it.each(cases)("$name → $match", ({ pattern, event, match }) => {
    expect(matchesPattern(pattern, event)).toBe(match);
  });
});
