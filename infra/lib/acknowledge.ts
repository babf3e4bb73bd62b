import { Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

/**
 * Acknowledges a cdk-nag finding on a construct and everything below it, with the reason it is
 * acceptable. cdk-nag 3 uses CDK's `Validations` acknowledgements (there is no NagSuppressions any
 * more) and matches finding ids exactly, e.g. `AwsSolutions-IAM5[Resource::*]`, so rules that report
 * per finding take the list of findings.
 */
export function acknowledge(
  scope: IConstruct,
  rule: string,
  reason: string,
  findings?: readonly string[],
): void {
  const ids = findings ? findings.map((finding) => `${rule}[${finding}]`) : [rule];
  Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
}
