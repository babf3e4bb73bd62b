import { z } from "zod";

/**
 * EC2's events as EventBridge puts them on the reap queue (the message body is the event JSON;
 * infra/lib/ec2-instance-events.ts). Shapes: reference/wave2-facts.md "EC2 events through EventBridge".
 * Only the fields Mayfly reads are checked; anything else in the event is ignored.
 */
const instanceId = z.string().regex(/^i-[0-9a-f]{8,17}$/);
const envelope = { source: z.literal("aws.ec2"), id: z.string().min(1), time: z.iso.datetime() };

export const ec2EventSchema = z.discriminatedUnion("detail-type", [
  z.object({
    ...envelope,
    "detail-type": z.literal("EC2 Spot Instance Interruption Warning"),
    detail: z.object({
      "instance-id": instanceId,
      "instance-action": z.enum(["terminate", "stop", "hibernate"]),
    }),
  }),
  z.object({
    ...envelope,
    "detail-type": z.literal("EC2 Instance Rebalance Recommendation"),
    detail: z.object({ "instance-id": instanceId }),
  }),
  z.object({
    ...envelope,
    "detail-type": z.literal("EC2 Instance State-change Notification"),
    detail: z.object({ "instance-id": instanceId, state: z.string().min(1) }),
  }),
]);
export type Ec2Event = z.infer<typeof ec2EventSchema>;

/** What Mayfly does with an event, in its own words. */
export type Ec2Notice =
  | { kind: "spot-warning"; instanceId: string; at: number }
  | { kind: "rebalance"; instanceId: string; at: number }
  | { kind: "state-change"; instanceId: string; at: number; state: string };

export function noticeOf(event: Ec2Event): Ec2Notice {
  const at = Date.parse(event.time);
  const id = event.detail["instance-id"];
  switch (event["detail-type"]) {
    case "EC2 Spot Instance Interruption Warning":
      return { kind: "spot-warning", instanceId: id, at };
    case "EC2 Instance Rebalance Recommendation":
      return { kind: "rebalance", instanceId: id, at };
    default:
      return { kind: "state-change", instanceId: id, at, state: event.detail.state };
  }
}
