import { attributesSize, hasOnlyValidCharacters, parseMessageAttributes } from "../message-attributes.js";
import { type Body, batchEntries, optionalInt, optionalString, requiredString } from "../params.js";
import type { SendInput, SendResult } from "../queue.js";
import type { QueueRecord } from "../registry.js";
import { invalidParameter, SqsError } from "../sqs-error.js";
import { type OperationContext, runEntry } from "./context.js";

/** SendMessage and SendMessageBatch (≤ 10 entries, ≤ 1 MiB in total, per-entry failures). */

const MAX_BATCH_BYTES = 1_048_576;

export function sendMessage(body: Body, { registry }: OperationContext) {
  const record = registry.resolve(requiredString(body, "QueueUrl"));
  return render(record.queue.send(readSendInput(body, record)));
}

export function sendMessageBatch(body: Body, context: OperationContext) {
  const { registry } = context;
  const record = registry.resolve(requiredString(body, "QueueUrl"));
  const entries = batchEntries(body);
  const total = entries.reduce(
    (sum, e) => sum + (typeof e.MessageBody === "string" ? Buffer.byteLength(e.MessageBody) : 0),
    0,
  );
  if (total > MAX_BATCH_BYTES) {
    throw new SqsError(
      "BatchRequestTooLong",
      `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes. You have sent ${total} bytes.`,
    );
  }
  const Successful: Record<string, unknown>[] = [];
  const Failed: unknown[] = [];
  for (const entry of entries) {
    const id = entry.Id as string;
    const result = runEntry(id, context, () => record.queue.send(readSendInput(entry, record)));
    if ("ok" in result) Successful.push({ Id: id, ...render(result.ok) });
    else Failed.push(result.failed);
  }
  return { Successful, Failed };
}

function readSendInput(body: Body, record: QueueRecord): SendInput {
  const messageBody = optionalString(body, "MessageBody");
  if (!messageBody)
    throw new SqsError("MissingParameter", "The request must contain the parameter MessageBody.");
  if (!hasOnlyValidCharacters(messageBody)) {
    throw new SqsError(
      "InvalidMessageContents",
      "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
    );
  }
  const attributes = parseMessageAttributes(body.MessageAttributes);
  const maxSize = Number(record.attributes.MaximumMessageSize);
  if (Buffer.byteLength(messageBody) + attributesSize(attributes) > maxSize) {
    throw new SqsError(
      "InvalidParameterValue",
      `One or more parameters are invalid. Reason: Message must be shorter than ${maxSize} bytes.`,
    );
  }
  return {
    body: messageBody,
    attributes,
    delaySeconds: optionalInt(body, "DelaySeconds", 0, 900),
    groupId: fifoId(body, "MessageGroupId"),
    dedupId: fifoId(body, "MessageDeduplicationId"),
  };
}

/** Group and deduplication ids: 1–128 alphanumeric or punctuation characters. */
function fifoId(body: Body, name: string): string | undefined {
  const value = optionalString(body, name);
  if (value !== undefined && !/^[\x21-\x7E]{1,128}$/.test(value)) {
    throw invalidParameter(
      name,
      value,
      `${name} can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
    );
  }
  return value;
}

function render(result: SendResult) {
  return {
    MessageId: result.messageId,
    MD5OfMessageBody: result.md5OfBody,
    ...(result.md5OfMessageAttributes ? { MD5OfMessageAttributes: result.md5OfMessageAttributes } : {}),
    ...(result.sequenceNumber ? { SequenceNumber: result.sequenceNumber } : {}),
  };
}
