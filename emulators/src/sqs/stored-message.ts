import type { MessageAttributeValue } from "./md5.js";

/** A message as the emulator keeps it. Visibility is derived from timestamps, so no timers are needed. */
export interface StoredMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  attributes: Record<string, MessageAttributeValue>;
  senderId: string;
  /** SentTimestamp (epoch ms); retention counts from it, also after a move to a dead-letter queue. */
  sentAt: number;
  /** Delay: not receivable before this instant. */
  availableAt: number;
  groupId?: string;
  dedupId?: string;
  sequenceNumber?: string;
  receiveCount: number;
  firstReceivedAt?: number;
  deadLetterSourceArn?: string;
  /** The current delivery; a handle with another nonce is stale. */
  delivery?: { nonce: string; receivedAt: number; visibleAt: number };
}

export type MessageState = "delayed" | "in-flight" | "visible";

export function stateOf(message: StoredMessage, now: number): MessageState {
  if (message.delivery && now < message.delivery.visibleAt) return "in-flight";
  if (now < message.availableAt) return "delayed";
  return "visible";
}

/** When the message next changes state by itself (delay or visibility timeout ending). */
export function nextChangeAt(message: StoredMessage, now: number): number | undefined {
  const state = stateOf(message, now);
  if (state === "in-flight") return message.delivery!.visibleAt;
  if (state === "delayed") return message.availableAt;
  return undefined;
}

/** What `queue(name)` snapshots and `GET /_emulator/queues` show. */
export interface MessageView {
  messageId: string;
  body: string;
  groupId?: string;
  dedupId?: string;
  sequenceNumber?: string;
  receiveCount: number;
  sentAt: number;
  attributes: Record<string, MessageAttributeValue>;
  /** In flight: when it becomes visible again. Delayed: when it becomes receivable. */
  until?: number;
  deadLetterSourceArn?: string;
}

export function viewOf(message: StoredMessage, now: number): MessageView {
  return {
    messageId: message.messageId,
    body: message.body,
    groupId: message.groupId,
    dedupId: message.dedupId,
    sequenceNumber: message.sequenceNumber,
    receiveCount: message.receiveCount,
    sentAt: message.sentAt,
    attributes: message.attributes,
    until: nextChangeAt(message, now),
    deadLetterSourceArn: message.deadLetterSourceArn,
  };
}

export interface MessageViews {
  visible: MessageView[];
  inFlight: MessageView[];
  delayed: MessageView[];
}

export function viewsOf(messages: readonly StoredMessage[], now: number): MessageViews {
  const views: MessageViews = { visible: [], inFlight: [], delayed: [] };
  for (const m of messages) {
    const state = stateOf(m, now);
    const list = state === "visible" ? views.visible : state === "in-flight" ? views.inFlight : views.delayed;
    list.push(viewOf(m, now));
  }
  return views;
}
