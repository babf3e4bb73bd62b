import {
  type BatchResultErrorEntry,
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { UnavailableError } from "../errors.js";
import { chunkMessages } from "./chunk-messages.js";
import { coalesce } from "./coalesce.js";
import type { JobQueue, OutgoingMessage, ReceivedMessage, ReceiveOptions } from "./job-queue.js";
import { callSqs, translateSqsError } from "./translate-sqs-error.js";

/**
 * The JobQueue over SQS (FIFO in production). Batches where the API allows (SendMessageBatch and
 * DeleteMessageBatch take 10 entries) and checks `Failed[]`, which SQS returns with HTTP 200.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
 */

export interface SqsQueueOptions {
  client: SQSClient;
  queueUrl: string;
  deadLetterQueueUrl: string;
  /** Extra attempts for batch entries SQS failed on its side (SenderFault false). Default 2. */
  sendRetries?: number;
}

/** The message attribute that carries why Mayfly dead-lettered a message. */
export const DEAD_LETTER_REASON_ATTRIBUTE = "mayfly-dead-letter-reason";

export function createSqsQueue(options: SqsQueueOptions): JobQueue {
  const { client, queueUrl, deadLetterQueueUrl } = options;
  const retries = options.sendRetries ?? 2;

  /** Sends one chunk (≤ 10 entries), retrying entries SQS failed on its side; the failure of each entry. */
  async function sendChunk(chunk: readonly OutgoingMessage[]): Promise<Array<EntryFailure | undefined>> {
    const outcome: Array<EntryFailure | undefined> = chunk.map(() => undefined);
    let pending: SendMessageBatchRequestEntry[] = chunk.map((m, i) => ({
      Id: `m${i}`,
      MessageBody: m.body,
      MessageGroupId: m.groupId,
      MessageDeduplicationId: m.dedupId,
    }));
    for (let attempt = 0; attempt <= retries && pending.length > 0; attempt++) {
      if (attempt > 0) await pause(100 * 2 ** attempt);
      const entries = pending;
      const out = await callSqs(() =>
        client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries })),
      );
      const failed = out.Failed ?? [];
      for (const e of entries) outcome[Number(e.Id?.slice(1))] = undefined;
      for (const f of failed) {
        const entry = entries.find((e) => e.Id === f.Id);
        outcome[Number(f.Id?.slice(1))] = {
          refused: f.SenderFault === true,
          text: `${entry?.MessageDeduplicationId ?? f.Id} (${f.Code}: ${f.Message ?? ""})`,
        };
      }
      const retryable = new Set(failed.filter((f) => !f.SenderFault).map((f) => f.Id));
      pending = entries.filter((e) => retryable.has(e.Id));
    }
    return outcome;
  }

  /** The error for a chunk's failed entries: refused ones first (retrying cannot help them). */
  function failureOf(failures: ReadonlyArray<EntryFailure | undefined>, of: number): Error | undefined {
    const refused = failures.filter((f) => f?.refused).map((f) => f!.text);
    if (refused.length > 0)
      return new Error(`SQS refused ${refused.length} of ${of} messages: ${refused.join("; ")}`);
    const transient = failures.filter((f) => f && !f.refused).map((f) => f!.text);
    if (transient.length > 0)
      return new UnavailableError(
        `SQS failed ${transient.length} of ${of} messages: ${transient.join("; ")}`,
      );
    return undefined;
  }

  // Lone sends (one webhook, one message) share SendMessageBatch calls with the sends of the same
  // event-loop turn; each caller still learns only its own entry's fate. Several messages from one
  // caller keep the ordered chunk-after-chunk path (FIFO order within a group).
  const sendOne = coalesce<OutgoingMessage>({
    maxSize: 10,
    send: async (batch) => (await sendChunk(batch)).map((f) => failureOf([f], 1)),
  });

  // Visibility changes (heartbeats, delays) likewise share ChangeMessageVisibilityBatch calls.
  const delayOne = coalesce<{ receiptHandle: string; seconds: number }>({
    maxSize: 10,
    async send(batch) {
      const out = await callSqs(() =>
        client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((d, i) => ({
              Id: `v${i}`,
              ReceiptHandle: d.receiptHandle,
              VisibilityTimeout: clampVisibility(d.seconds),
            })),
          }),
        ),
      );
      const failures: Array<Error | undefined> = batch.map(() => undefined);
      for (const f of out.Failed ?? []) failures[Number(f.Id?.slice(1))] = visibilityFailure(f);
      return failures;
    },
  });

  return {
    async send(messages) {
      const [only] = messages;
      if (messages.length === 1 && only && Buffer.byteLength(only.body) <= COALESCED_BODY_MAX) {
        return sendOne(only);
      }
      for (const chunk of chunkMessages(messages)) {
        const failure = failureOf(await sendChunk(chunk), chunk.length);
        if (failure) throw failure;
      }
    },

    async receive(receive: ReceiveOptions) {
      const { signal } = receive;
      if (signal?.aborted) return [];
      try {
        const out = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: receive.max,
            WaitTimeSeconds: receive.waitSeconds,
            VisibilityTimeout: receive.visibilitySeconds,
            MessageSystemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp", "MessageGroupId"],
          }),
          { abortSignal: signal },
        );
        return (out.Messages ?? []).map(toReceived);
      } catch (error) {
        // Shutdown cancels the long poll: that is an empty answer, not a failure.
        if (signal?.aborted) return [];
        throw translateSqsError(error);
      }
    },

    async ack(receiptHandles) {
      const failed: string[] = [];
      for (let i = 0; i < receiptHandles.length; i += 10) {
        const chunk = receiptHandles.slice(i, i + 10);
        const out = await callSqs(() =>
          client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: chunk.map((handle, j) => ({ Id: `h${j}`, ReceiptHandle: handle })),
            }),
          ),
        );
        for (const f of out.Failed ?? []) failed.push(chunk[Number(f.Id?.slice(1))]!);
      }
      return { failed };
    },

    delay(receiptHandle, seconds) {
      return delayOne({ receiptHandle, seconds });
    },

    async deadLetter(message, reason) {
      const fifo = deadLetterQueueUrl.endsWith(".fifo");
      await callSqs(() =>
        client.send(
          new SendMessageCommand({
            QueueUrl: deadLetterQueueUrl,
            MessageBody: message.body,
            // Same group keeps order among a job's dead letters; the message id as dedup id makes a
            // repeated dead-lettering of the same message (delete failed, message came back) collapse.
            ...(fifo
              ? { MessageGroupId: message.groupId || "dead-letter", MessageDeduplicationId: message.id }
              : {}),
            MessageAttributes: {
              [DEAD_LETTER_REASON_ATTRIBUTE]: { DataType: "String", StringValue: attributeText(reason) },
            },
          }),
        ),
      );
      await callSqs(() =>
        client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.receiptHandle })),
      );
    },
  };
}

/** One failed batch entry: SQS's fault (retried) or the sender's (refused). */
interface EntryFailure {
  refused: boolean;
  text: string;
}

/** Ten coalesced bodies of this size stay far inside SendMessageBatch's 1 MiB. */
const COALESCED_BODY_MAX = 64 * 1024;

/** A failed ChangeMessageVisibilityBatch entry as the error the single call would have thrown. */
function visibilityFailure(f: BatchResultErrorEntry): Error {
  const text = `SQS could not change the visibility (${f.Code}: ${f.Message ?? ""})`;
  if (!f.SenderFault) return new UnavailableError(text);
  return Object.assign(new Error(text), { name: f.Code ?? "Error" });
}

function toReceived(m: Message): ReceivedMessage {
  const attributes = m.Attributes ?? {};
  return {
    id: m.MessageId ?? "",
    receiptHandle: m.ReceiptHandle ?? "",
    body: m.Body ?? "",
    receiveCount: Number(attributes.ApproximateReceiveCount ?? 1),
    groupId: attributes.MessageGroupId ?? "",
    sentAt: Number(attributes.SentTimestamp ?? 0),
  };
}

/** ChangeMessageVisibility takes whole seconds in 0–43,200. */
function clampVisibility(seconds: number): number {
  return Math.min(43_200, Math.max(0, Math.ceil(seconds)));
}

/** Characters SQS refuses in message bodies and String attributes (the complement of its allowed set). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the allowed set is defined in control characters
const NOT_ALLOWED = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** A reason fit for a String attribute: non-empty, SQS-valid characters, bounded. */
function attributeText(reason: string): string {
  const text = reason.replace(NOT_ALLOWED, "?").slice(0, 1024);
  return text.trim() === "" ? "unspecified" : text;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
