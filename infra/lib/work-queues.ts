import { Duration, Stack } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as iam from "aws-cdk-lib/aws-iam";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface WorkQueuesProps {
  /** Where the dead-letter alarm notifies. */
  alarmAction?: cloudwatch.IAlarmAction;
}

/**
 * The two FIFO work queues (scale, reap) so scaler and reaper replicas consume independently, sharing
 * one FIFO dead-letter queue (a FIFO queue's DLQ must be FIFO). maxReceiveCount is high on purpose: the
 * scaler re-delays a scale message while its job waits (each return counts as a receive), and the
 * app dead-letters poison messages itself (src/queue/consumer.ts), so SQS's redrive is only a backstop.
 */
export class WorkQueues extends Construct {
  readonly scale: sqs.Queue;
  readonly reap: sqs.Queue;
  readonly deadLetter: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WorkQueuesProps = {}) {
    super(scope, id);
    const prefix = Stack.of(this).stackName;
    this.deadLetter = new sqs.Queue(this, "DeadLetter", {
      queueName: `${prefix}-dead-letter.fifo`,
      fifo: true,
      contentBasedDeduplication: false,
      // The longest SQS allows, to leave time to inspect and redrive.
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.scale = this.#workQueue("Scale", `${prefix}-scale.fifo`, false);
    // EventBridge sends EC2 events here with no deduplication id, which a FIFO queue accepts only with
    // content-based deduplication on; the app's own messages still set theirs (an explicit id wins).
    this.reap = this.#workQueue("Reap", `${prefix}-reap.fifo`, true);
    this.deadLetterAlarm = new cloudwatch.Alarm(this, "DeadLetterDepth", {
      alarmDescription:
        "Mayfly dead-lettered a message: a job may not get a runner. See the dashboard and the dead-letter queue.",
      metric: this.deadLetter.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmAction) this.deadLetterAlarm.addAlarmAction(props.alarmAction);
  }

  /**
   * What the app's queue adapter calls (src/queue/sqs.ts): SendMessageBatch, ReceiveMessage,
   * DeleteMessageBatch and ChangeMessageVisibility on the work queues (batch calls are authorised
   * by the single-message actions); SendMessage on the dead-letter queue. Nothing on other queues.
   */
  grantWorker(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "UseWorkQueues",
        actions: [
          "sqs:SendMessage",
          "sqs:ReceiveMessage",
          "sqs:DeleteMessage",
          "sqs:ChangeMessageVisibility",
        ],
        resources: [this.scale.queueArn, this.reap.queueArn],
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "DeadLetterPoisonMessages",
        actions: ["sqs:SendMessage"],
        resources: [this.deadLetter.queueArn],
      }),
    );
  }

  #workQueue(id: string, queueName: string, contentBasedDeduplication: boolean): sqs.Queue {
    return new sqs.Queue(this, id, {
      queueName,
      fifo: true,
      // The app sets MessageDeduplicationId itself (delivery GUID / job id).
      contentBasedDeduplication,
      visibilityTimeout: Duration.seconds(60),
      // GitHub keeps webhook deliveries for 3 days; a message older than that cannot be recovered anyway.
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetter, maxReceiveCount: 1000 },
    });
  }
}
