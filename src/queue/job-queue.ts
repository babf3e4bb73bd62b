/**
 * The queue between the webhooks and the workers (scaler, reaper). SQS FIFO in production
 * (`sqs.ts`), in memory for the demo and unit tests (`memory.ts`); one contract suite keeps them alike.
 * Bodies are strings here; `consumer.ts` parses them with a schema.
 */

export interface OutgoingMessage {
  body: string;
  /** FIFO group: messages of one group are delivered one at a time, in order. */
  groupId: string;
  /** Messages with the same id within 5 minutes collapse into one. */
  dedupId: string;
}

export interface ReceivedMessage {
  /** The queue's message id (stable across deliveries). */
  id: string;
  /** Handle for ack/delay; changes on every delivery. */
  receiptHandle: string;
  body: string;
  /** 1 on first delivery; grows with every redelivery (SQS ApproximateReceiveCount). */
  receiveCount: number;
  groupId: string;
  /** When the message was first sent (epoch ms). */
  sentAt: number;
}

export interface ReceiveOptions {
  /** 1–10. */
  max: number;
  /** Long-poll wait, 0–20 s. */
  waitSeconds: number;
  /** How long received messages stay invisible to other consumers. */
  visibilitySeconds: number;
  signal?: AbortSignal;
}

export interface JobQueue {
  /** Sends messages durably; resolves only when every one is accepted, else throws (nothing is half-sent silently). */
  send(messages: readonly OutgoingMessage[]): Promise<void>;
  receive(options: ReceiveOptions): Promise<ReceivedMessage[]>;
  /** Deletes handled messages. Returns the receipt handles that could not be deleted. */
  ack(receiptHandles: readonly string[]): Promise<{ failed: string[] }>;
  /** Makes a received message visible again after `seconds` (0 = now). Also used to extend visibility. */
  delay(receiptHandle: string, seconds: number): Promise<void>;
  /** Moves a message to the dead-letter queue with a reason, then deletes it here. */
  deadLetter(message: ReceivedMessage, reason: string): Promise<void>;
}
