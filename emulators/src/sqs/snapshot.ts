import type { QueueRecord, QueueRegistry } from "./registry.js";
import type { MessageView } from "./stored-message.js";

/** A queue's contents for test assertions and the `GET /_emulator/queues` control endpoint. */
export interface QueueSnapshot {
  name: string;
  url: string;
  arn: string;
  fifo: boolean;
  attributes: Record<string, string>;
  visible: MessageView[];
  inFlight: MessageView[];
  delayed: MessageView[];
  /** The redrive policy's target and every message in it. */
  deadLetterQueue?: { name: string; messages: MessageView[] };
}

export function snapshotOf(record: QueueRecord, registry: QueueRegistry): QueueSnapshot {
  const { identity } = record.queue;
  const redrive = record.attributes.RedrivePolicy;
  const target = redrive
    ? registry.byArn((JSON.parse(redrive) as { deadLetterTargetArn: string }).deadLetterTargetArn)
    : undefined;
  let deadLetterQueue: QueueSnapshot["deadLetterQueue"];
  if (target) {
    const views = target.queue.views();
    deadLetterQueue = {
      name: target.queue.identity.name,
      messages: [...views.visible, ...views.inFlight, ...views.delayed],
    };
  }
  return {
    name: identity.name,
    url: identity.url,
    arn: identity.arn,
    fifo: identity.fifo,
    attributes: registry.getAttributes(record, ["All"]),
    ...record.queue.views(),
    ...(deadLetterQueue ? { deadLetterQueue } : {}),
  };
}
