import { randomUUID } from "node:crypto";
import { DedupWindow } from "./dedup-window.js";
import { receivable } from "./fifo-order.js";
import { LongPolls } from "./long-polls.js";
import { type MessageAttributeValue, md5Hex, md5OfMessageAttributes } from "./md5.js";
import type { RedrivePolicy } from "./queue-attributes.js";
import { decodeReceiptHandle, encodeReceiptHandle, newNonce } from "./receipt-handle.js";
import { deduplicationIdFor } from "./send-rules.js";
import { invalidParameter, SqsError } from "./sqs-error.js";
import { type MessageViews, nextChangeAt, type StoredMessage, stateOf, viewsOf } from "./stored-message.js";

/**
 * One emulated queue: FIFO groups and deduplication, delays, visibility, redrive to a dead-letter queue
 * at receive time, retention, long polls. Semantics follow the SQS developer guide:
 * FIFO delivery logic https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html
 * visibility https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
 * dead-letter queues https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
 */

/** ChangeMessageVisibility cannot extend a delivery past 12 hours from its receipt. */
const MAX_VISIBILITY_S = 43_200;

export interface QueueIdentity {
  name: string;
  url: string;
  arn: string;
  fifo: boolean;
  senderId: string;
}

export interface SendInput {
  body: string;
  attributes: Record<string, MessageAttributeValue>;
  delaySeconds?: number;
  groupId?: string;
  dedupId?: string;
}

export interface SendResult {
  messageId: string;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  sequenceNumber?: string;
}

export interface Delivery {
  message: StoredMessage;
  receiptHandle: string;
}

export interface QueueHooks {
  now: () => number;
  /** Finds the dead-letter target of a redrive policy. */
  queueByArn: (arn: string) => EmulatedQueue | undefined;
  /** The queue's current attributes (validated strings). */
  attribute: (name: string) => string | undefined;
}

export class EmulatedQueue {
  readonly #messages: StoredMessage[] = [];
  readonly #dedup = new DedupWindow<SendResult>();
  readonly #polls: LongPolls<Delivery>;
  readonly #hooks: QueueHooks;
  #sequence = 0n;

  constructor(
    readonly identity: QueueIdentity,
    hooks: QueueHooks,
  ) {
    this.#hooks = hooks;
    this.#polls = new LongPolls(hooks.now, () => this.#nextChangeAt());
  }

  get #now(): number {
    return this.#hooks.now();
  }

  #int(name: string): number {
    return Number(this.#hooks.attribute(name) ?? 0);
  }

  send(input: SendInput): SendResult {
    const now = this.#now;
    this.#expire(now);
    const { fifo } = this.identity;
    const dedupId = deduplicationIdFor(input, {
      fifo,
      contentBasedDeduplication: this.#hooks.attribute("ContentBasedDeduplication") === "true",
    });
    if (fifo && dedupId) {
      const seen = this.#dedup.get(this.#dedupKey(input.groupId!, dedupId), now);
      // A duplicate keeps the original MessageId, but the digests are of what this request sent: the SDK
      // checks MD5OfMessageBody against its own body and would otherwise reject the answer.
      if (seen) {
        return {
          ...seen,
          md5OfBody: md5Hex(input.body),
          md5OfMessageAttributes: md5OfMessageAttributes(input.attributes),
        };
      }
    }
    const message: StoredMessage = {
      messageId: randomUUID(),
      body: input.body,
      md5OfBody: md5Hex(input.body),
      attributes: input.attributes,
      senderId: this.identity.senderId,
      sentAt: now,
      // FIFO queues only have the queue-level delay.
      availableAt: now + 1000 * ((fifo ? undefined : input.delaySeconds) ?? this.#int("DelaySeconds")),
      groupId: input.groupId,
      dedupId,
      sequenceNumber: fifo ? this.#nextSequenceNumber(now) : undefined,
      receiveCount: 0,
    };
    this.#messages.push(message);
    const result: SendResult = {
      messageId: message.messageId,
      md5OfBody: message.md5OfBody,
      md5OfMessageAttributes: md5OfMessageAttributes(message.attributes),
      sequenceNumber: message.sequenceNumber,
    };
    if (fifo && dedupId) this.#dedup.remember(this.#dedupKey(input.groupId!, dedupId), result, now);
    this.#polls.wake();
    return result;
  }

  /** Receives up to `max` messages, long-polling up to `waitSeconds` when none is available. */
  async receive(options: {
    max: number;
    visibilitySeconds: number;
    waitSeconds: number;
    signal?: AbortSignal;
  }): Promise<Delivery[]> {
    const attempt = () => this.#collect(options.max, options.visibilitySeconds);
    const now = attempt();
    if (now.length > 0 || options.waitSeconds === 0) return now;
    return this.#polls.wait(attempt, options.waitSeconds * 1000, options.signal);
  }

  delete(receiptHandle: string): void {
    const now = this.#now;
    const handle = decodeReceiptHandle(receiptHandle, this.identity.name);
    const index = this.#messages.findIndex((m) => m.messageId === handle.messageId);
    // Deleting an already deleted message succeeds, as in SQS.
    if (index < 0) return;
    const message = this.#messages[index]!;
    const current = message.delivery?.nonce === handle.nonce;
    const inFlight = current && stateOf(message, now) === "in-flight";
    if (this.identity.fifo && !inFlight) {
      // FIFO refuses a handle whose visibility timeout has passed (the message may be redelivered).
      throw invalidParameter("ReceiptHandle", receiptHandle, "The receipt handle has expired.");
    }
    // Standard queues: an older handle "succeeds, but the message might not be deleted" (API_DeleteMessage).
    if (!current) return;
    this.#messages.splice(index, 1);
    this.#polls.wake();
  }

  changeVisibility(receiptHandle: string, seconds: number): void {
    const now = this.#now;
    const handle = decodeReceiptHandle(receiptHandle, this.identity.name);
    const message = this.#messages.find((m) => m.messageId === handle.messageId);
    if (!message) {
      throw invalidParameter(
        "ReceiptHandle",
        receiptHandle,
        "Message does not exist or is not available for visibility timeout change.",
      );
    }
    if (message.delivery?.nonce !== handle.nonce) {
      throw invalidParameter("ReceiptHandle", receiptHandle, "The receipt handle has expired.");
    }
    if (stateOf(message, now) !== "in-flight") {
      throw new SqsError("MessageNotInflight", "The message referred to is not in flight.");
    }
    const elapsed = (now - message.delivery.receivedAt) / 1000;
    if (seconds + elapsed > MAX_VISIBILITY_S) {
      throw invalidParameter(
        "VisibilityTimeout",
        seconds,
        `Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_S} seconds]`,
      );
    }
    message.delivery.visibleAt = now + seconds * 1000;
    this.#polls.wake();
  }

  purge(): void {
    this.#messages.length = 0;
  }

  /** Ends waiting long polls (emulator stopping or queue deleted). */
  close(): void {
    this.#polls.endAll();
  }

  /** Accepts a message moved here by a source queue's redrive policy (no deduplication, retention kept). */
  acceptRedriven(message: StoredMessage, sourceArn: string): void {
    const now = this.#now;
    this.#messages.push({
      ...message,
      availableAt: now,
      receiveCount: 0,
      firstReceivedAt: undefined,
      delivery: undefined,
      deadLetterSourceArn: sourceArn,
      sequenceNumber: this.identity.fifo ? this.#nextSequenceNumber(now) : undefined,
    });
    this.#polls.wake();
  }

  counts(): { visible: number; inFlight: number; delayed: number } {
    const views = this.views();
    return { visible: views.visible.length, inFlight: views.inFlight.length, delayed: views.delayed.length };
  }

  views(): MessageViews {
    const now = this.#now;
    this.#expire(now);
    return viewsOf(this.#messages, now);
  }

  /** Picks receivable messages, moving over-received ones to the dead-letter queue. */
  #collect(max: number, visibilitySeconds: number): Delivery[] {
    const now = this.#now;
    this.#expire(now);
    const candidates = receivable(this.#messages, now, this.identity.fifo);
    const redrive = this.#redrivePolicy();
    const target = redrive ? this.#hooks.queueByArn(redrive.deadLetterTargetArn) : undefined;
    const deliveries: Delivery[] = [];
    for (const message of candidates) {
      if (deliveries.length >= max) break;
      if (redrive && target && message.receiveCount + 1 > redrive.maxReceiveCount) {
        this.#messages.splice(this.#messages.indexOf(message), 1);
        target.acceptRedriven(message, this.identity.arn);
        continue;
      }
      const nonce = newNonce();
      message.receiveCount++;
      message.firstReceivedAt ??= now;
      message.delivery = { nonce, receivedAt: now, visibleAt: now + visibilitySeconds * 1000 };
      deliveries.push({
        message,
        receiptHandle: encodeReceiptHandle({
          queue: this.identity.name,
          messageId: message.messageId,
          nonce,
        }),
      });
    }
    return deliveries;
  }

  #redrivePolicy(): RedrivePolicy | undefined {
    const text = this.#hooks.attribute("RedrivePolicy");
    return text ? (JSON.parse(text) as RedrivePolicy) : undefined;
  }

  #expire(now: number): void {
    const retentionMs = this.#int("MessageRetentionPeriod") * 1000;
    for (let i = this.#messages.length - 1; i >= 0; i--) {
      if (now - this.#messages[i]!.sentAt >= retentionMs) this.#messages.splice(i, 1);
    }
  }

  #nextChangeAt(): number | undefined {
    const now = this.#now;
    let next: number | undefined;
    for (const m of this.#messages) {
      const at = nextChangeAt(m, now);
      if (at !== undefined && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  #dedupKey(groupId: string, dedupId: string): string {
    // High-throughput FIFO (DeduplicationScope=messageGroup) deduplicates within a group only.
    return this.#hooks.attribute("DeduplicationScope") === "messageGroup"
      ? `${groupId}\u0000${dedupId}`
      : dedupId;
  }

  #nextSequenceNumber(now: number): string {
    this.#sequence++;
    return (BigInt(now) * 10_000_000n + this.#sequence).toString().padStart(20, "0");
  }
}
