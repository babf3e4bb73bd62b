import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

/** The detail types Mayfly acts on (docs/adr/0015-spot-interruptions-without-a-store.md). */
export const EC2_EVENT_DETAIL_TYPES = [
  "EC2 Spot Instance Interruption Warning",
  "EC2 Instance Rebalance Recommendation",
  "EC2 Instance State-change Notification",
] as const;

/** The reap queue's message group for EC2 events; the app's own reap messages are grouped per runner. */
export const EC2_EVENTS_MESSAGE_GROUP = "ec2-events";

/**
 * Two rules on the account's default bus send EC2's interruption warnings and rebalance recommendations,
 * and its shutting-down/terminated state changes, to the reap queue. EventBridge cannot match instance
 * tags, so the rules see every instance in the account and the app keeps only its own
 * (src/spot/ec2-event.ts); state changes are narrowed to the states the app acts on, so other workloads'
 * start/stop churn never reaches the queue (a second rule, because one pattern cannot filter `state` for
 * one detail type only). The SQS target's queue policy lets only these rules send (`aws:SourceArn`); a
 * FIFO target needs a message group, and content-based deduplication on the queue
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-custom-bus-target-sqs.html).
 */
export class Ec2InstanceEvents extends Construct {
  readonly rules: events.Rule[];

  constructor(scope: Construct, id: string, props: { queue: sqs.IQueue }) {
    super(scope, id);
    const [warning, rebalance, stateChange] = EC2_EVENT_DETAIL_TYPES;
    const notices = new events.Rule(this, "Notices", {
      description: "Mayfly: EC2 spot interruption warnings and rebalance recommendations to the reap queue",
      eventPattern: { source: ["aws.ec2"], detailType: [warning, rebalance] },
    });
    const terminations = new events.Rule(this, "Terminations", {
      description: "Mayfly: EC2 instances shutting down or terminated, to the reap queue",
      eventPattern: {
        source: ["aws.ec2"],
        detailType: [stateChange],
        detail: { state: ["shutting-down", "terminated"] },
      },
    });
    this.rules = [notices, terminations];
    for (const rule of this.rules) {
      rule.addTarget(new targets.SqsQueue(props.queue, { messageGroupId: EC2_EVENTS_MESSAGE_GROUP }));
    }
  }
}
