import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

/**
 * The detail types Mayfly acts on (docs/adr/0015-spot-interruptions-without-a-store.md). State changes are
 * not routed: the reaper acted on none of them (the sweep reconciles ended instances), and in the burst they
 * were two reap-queue messages per job for nothing (issue 15).
 */
export const EC2_EVENT_DETAIL_TYPES = [
  "EC2 Spot Instance Interruption Warning",
  "EC2 Instance Rebalance Recommendation",
] as const;

/** The reap queue's message group for EC2 events; the app's own reap messages are grouped per runner. */
export const EC2_EVENTS_MESSAGE_GROUP = "ec2-events";

/**
 * One rule on the account's default bus sends EC2's interruption warnings and rebalance recommendations to
 * the reap queue. EventBridge cannot match instance tags, so the rule sees every instance in the account
 * and the app keeps only its own (src/queue/ec2-event.ts). The SQS target's queue policy lets only this
 * rule send (`aws:SourceArn`); a FIFO target needs a message group, and content-based deduplication on the
 * queue (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-custom-bus-target-sqs.html).
 */
export class Ec2InstanceEvents extends Construct {
  readonly rules: events.Rule[];

  constructor(scope: Construct, id: string, props: { queue: sqs.IQueue }) {
    super(scope, id);
    const notices = new events.Rule(this, "Notices", {
      description: "Mayfly: EC2 spot interruption warnings and rebalance recommendations to the reap queue",
      eventPattern: { source: ["aws.ec2"], detailType: [...EC2_EVENT_DETAIL_TYPES] },
    });
    this.rules = [notices];
    for (const rule of this.rules) {
      rule.addTarget(new targets.SqsQueue(props.queue, { messageGroupId: EC2_EVENTS_MESSAGE_GROUP }));
    }
  }
}
