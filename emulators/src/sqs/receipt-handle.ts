import { randomBytes } from "node:crypto";
import { SqsError } from "./sqs-error.js";

/**
 * Receipt handles are opaque to clients. Ours carry the queue name, the message id and a per-delivery
 * nonce, so a handle from an older delivery is recognisably stale (SQS: "you must provide the most
 * recently received receipt handle").
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html
 */

export interface ReceiptHandle {
  queue: string;
  messageId: string;
  nonce: string;
}

export const newNonce = (): string => randomBytes(12).toString("base64url");

export function encodeReceiptHandle(handle: ReceiptHandle): string {
  return Buffer.from(`${handle.queue} ${handle.messageId} ${handle.nonce}`, "utf8").toString("base64");
}

export function decodeReceiptHandle(text: string, queue: string): ReceiptHandle {
  const parts = Buffer.from(text, "base64").toString("utf8").split(" ");
  if (parts.length !== 3 || parts[0] !== queue || !parts[1] || !parts[2]) {
    throw new SqsError(
      "ReceiptHandleIsInvalid",
      `The input receipt handle "${text}" is not a valid receipt handle.`,
    );
  }
  return { queue: parts[0], messageId: parts[1], nonce: parts[2] };
}
