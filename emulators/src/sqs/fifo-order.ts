import { type StoredMessage, stateOf } from "./stored-message.js";

/**
 * The receivable messages of a queue in delivery order. Standard queues: every visible message, oldest
 * first. FIFO: a group with a message in flight is blocked, and SQS "first attempts to return as many
 * messages with the same message group ID as possible" before moving to the next group.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html
 */
export function receivable(messages: readonly StoredMessage[], now: number, fifo: boolean): StoredMessage[] {
  const visible = messages.filter((m) => stateOf(m, now) === "visible");
  if (!fifo) return visible;
  const blocked = new Set(messages.filter((m) => stateOf(m, now) === "in-flight").map((m) => m.groupId));
  const byGroup = new Map<string | undefined, StoredMessage[]>();
  for (const m of visible) {
    if (blocked.has(m.groupId)) continue;
    const group = byGroup.get(m.groupId);
    if (group) group.push(m);
    else byGroup.set(m.groupId, [m]);
  }
  return [...byGroup.values()].flat();
}
