import { randomUUID } from "node:crypto";

/**
 * EC2's events as EventBridge carries them (the envelope and the three detail types Mayfly listens to).
 * Shapes: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html,
 * .../rebalance-recommendations.html, .../monitoring-instance-state-changes.html
 * (reference/wave2-facts.md "EC2 events through EventBridge").
 */
export interface EventBridgeEvent {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  /** Whole seconds, UTC, as EventBridge writes it ("2026-01-01T00:00:00Z"). */
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export const EC2_DETAIL_TYPE = {
  spotWarning: "EC2 Spot Instance Interruption Warning",
  rebalance: "EC2 Instance Rebalance Recommendation",
  stateChange: "EC2 Instance State-change Notification",
} as const;

export interface EventOrigin {
  accountId: string;
  region: string;
  now: () => number;
}

export function ec2Event(
  origin: EventOrigin,
  detailType: string,
  instanceId: string,
  detail: Record<string, unknown>,
): EventBridgeEvent {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": detailType,
    source: "aws.ec2",
    account: origin.accountId,
    time: isoSeconds(origin.now()),
    region: origin.region,
    resources: [`arn:aws:ec2:${origin.region}:${origin.accountId}:instance/${instanceId}`],
    detail: { "instance-id": instanceId, ...detail },
  };
}

/** "2026-01-01T00:00:00Z": the form of EventBridge's `time` and IMDS's instance-action `time`. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
