import type { OutgoingMessage } from "./job-queue.js";

/**
 * Splits messages into SendMessageBatch requests: at most 10 entries and 1 MiB of bodies each, in order
 * (FIFO order across chunks holds because chunks are sent one after another).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
 */
export function chunkMessages(
  messages: readonly OutgoingMessage[],
  limits: { entries: number; bytes: number } = { entries: 10, bytes: 1_048_576 },
): OutgoingMessage[][] {
  const chunks: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = Buffer.byteLength(message.body);
    if (current.length > 0 && (current.length === limits.entries || bytes + size > limits.bytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
