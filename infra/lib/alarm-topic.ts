import * as cloudwatchActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";

/**
 * Where Mayfly's alarms go: an SNS topic (TLS-only publishing), optionally with an e-mail subscription.
 * Not KMS-encrypted: CloudWatch alarms cannot publish to a topic under the AWS-managed SNS key, and
 * alarm texts carry no secrets.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  readonly action: cloudwatchActions.SnsAction;

  constructor(scope: Construct, id: string, props: { email?: string } = {}) {
    super(scope, id);
    this.topic = new sns.Topic(this, "Topic", { displayName: "Mayfly alarms", enforceSSL: true });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    this.action = new cloudwatchActions.SnsAction(this.topic);
  }
}
