import { describe, expect, it } from "vitest";
import { exampleStack } from "./fixtures.js";

/** The EC2 events reach the reap queue, and nothing but those rules may send to it as EventBridge. */
const { template } = exampleStack();
const rules = Object.entries(template.findResources("AWS::Events::Rule"));
const queueId = Object.keys(template.findResources("AWS::SQS::Queue")).find((id) =>
  id.startsWith("QueuesReap"),
);
const reapArn = { "Fn::GetAtt": [queueId, "Arn"] };

describe("EC2 events → reap queue", () => {
  it("routes the interruption warning and the rebalance recommendation, and no state changes", () => {
    const patterns = rules.map(([, r]) => r.Properties.EventPattern);
    expect(patterns).toContainEqual({
      source: ["aws.ec2"],
      "detail-type": ["EC2 Spot Instance Interruption Warning", "EC2 Instance Rebalance Recommendation"],
    });
    // The reaper acts on no state change (the sweep reconciles): routing them cost two messages a job.
    expect(JSON.stringify(patterns)).not.toContain("State-change");
  });

  it("targets the FIFO reap queue with a message group id", () => {
    const ec2Rules = rules.filter(([, r]) => r.Properties.EventPattern?.source?.includes("aws.ec2"));
    expect(ec2Rules).toHaveLength(1);
    for (const [, rule] of ec2Rules) {
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({ Arn: reapArn, SqsParameters: { MessageGroupId: "ec2-events" } }),
      ]);
    }
    expect(
      template.findResources("AWS::SQS::Queue")[queueId ?? ""]?.Properties.ContentBasedDeduplication,
    ).toBe(true);
  });

  it("lets EventBridge send to the reap queue only from these rules", () => {
    const policies = Object.values(template.findResources("AWS::SQS::QueuePolicy"));
    const statements = policies
      .filter((p) => JSON.stringify(p.Properties.Queues).includes(queueId ?? "?"))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[])
      .filter((s) => JSON.stringify(s.Principal).includes("events.amazonaws.com"));
    const ruleArns = rules
      .filter(([, r]) => r.Properties.EventPattern?.source?.includes("aws.ec2"))
      .map(([id]) => ({ "Fn::GetAtt": [id, "Arn"] }));
    expect(statements).toHaveLength(1);
    for (const statement of statements) {
      expect(statement).toMatchObject({ Effect: "Allow", Resource: reapArn });
      expect(statement.Action).toEqual(expect.arrayContaining(["sqs:SendMessage"]));
      expect(JSON.stringify(statement.Action)).not.toContain("Receive");
      expect(ruleArns).toContainEqual(
        (statement.Condition as { ArnEquals: Record<string, unknown> }).ArnEquals["aws:SourceArn"],
      );
    }
  });
});
