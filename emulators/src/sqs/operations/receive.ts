import { md5OfMessageAttributes } from "../md5.js";
import { selectMessageAttributes } from "../message-attributes.js";
import { type Body, optionalInt, optionalString, optionalStringList, requiredString } from "../params.js";
import type { Delivery } from "../queue.js";
import { invalidParameter } from "../sqs-error.js";
import type { StoredMessage } from "../stored-message.js";
import type { OperationContext } from "./context.js";

/**
 * ReceiveMessage: 1–10 messages, long polling up to 20 s, a per-call visibility timeout, and the system
 * attributes asked for in `MessageSystemAttributeNames` or the deprecated `AttributeNames`.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
 */

export async function receiveMessage(body: Body, { registry, signal }: OperationContext) {
  const record = registry.resolve(requiredString(body, "QueueUrl"));
  const max = optionalInt(body, "MaxNumberOfMessages", 1, 10) ?? 1;
  const visibilitySeconds =
    optionalInt(body, "VisibilityTimeout", 0, 43_200) ?? Number(record.attributes.VisibilityTimeout);
  const waitSeconds =
    optionalInt(body, "WaitTimeSeconds", 0, 20) ?? Number(record.attributes.ReceiveMessageWaitTimeSeconds);
  const attemptId = optionalString(body, "ReceiveRequestAttemptId");
  if (attemptId !== undefined && !/^[\x21-\x7E]{1,128}$/.test(attemptId)) {
    throw invalidParameter(
      "ReceiveRequestAttemptId",
      attemptId,
      "Must be 1 to 128 alphanumeric or punctuation characters.",
    );
  }
  const systemNames = [
    ...(optionalStringList(body, "MessageSystemAttributeNames") ?? []),
    ...(optionalStringList(body, "AttributeNames") ?? []),
  ];
  const attributeNames = optionalStringList(body, "MessageAttributeNames");
  const deliveries = await record.queue.receive({ max, visibilitySeconds, waitSeconds, signal });
  if (deliveries.length === 0) return {};
  return { Messages: deliveries.map((d) => render(d, systemNames, attributeNames)) };
}

function render(delivery: Delivery, systemNames: readonly string[], attributeNames: string[] | undefined) {
  const { message } = delivery;
  const attributes = systemAttributes(message, systemNames);
  const selected = selectMessageAttributes(message.attributes, attributeNames);
  const md5 = md5OfMessageAttributes(selected);
  return {
    MessageId: message.messageId,
    ReceiptHandle: delivery.receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
    ...(md5 ? { MD5OfMessageAttributes: md5, MessageAttributes: selected } : {}),
  };
}

function systemAttributes(message: StoredMessage, names: readonly string[]): Record<string, string> {
  const available: Record<string, string | undefined> = {
    SenderId: message.senderId,
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
    MessageGroupId: message.groupId,
    MessageDeduplicationId: message.dedupId,
    SequenceNumber: message.sequenceNumber,
    DeadLetterQueueSourceArn: message.deadLetterSourceArn,
  };
  const all = names.includes("All");
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(available)) {
    if (value !== undefined && (all || names.includes(name))) result[name] = value;
  }
  return result;
}
