import { App, Stack, Validations } from "aws-cdk-lib";
import { Annotations, Match } from "aws-cdk-lib/assertions";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { describe, expect, it } from "vitest";
import { MayflyStack } from "../../../infra/lib/mayfly-stack.js";
import { exampleProps } from "./fixtures.js";

// cdk-nag 3 is a CDK validation plugin: findings are not annotations, so the checks are run directly
// with validateScope (what `Validations.of(app).addPlugins(...)` runs at synth in infra/bin/mayfly.ts).
const findings = (scope: IConstruct) =>
  new AwsSolutionsChecks(undefined, { verbose: true })
    .validateScope(scope)
    .violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(", ")}`);

function acknowledgements(scope: IConstruct): [string, string][] {
  const own = scope.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.entries(m.data as Record<string, string>));
  return [...own, ...scope.node.children.flatMap(acknowledgements)];
}

// Every option that adds resources or findings, on top of the example deployment.
const stack = new MayflyStack(
  new App(),
  "Mayfly",
  exampleProps({
    ssmSessionManager: true,
    rotateBootstrapKey: true,
    runnerSecurityGroups: "stack-and-pool",
    runnerEgressPorts: [443, 80],
    alarmEmail: "ops@example.com",
    hostedZone: { id: "Z0123456789ABCDEFGHIJ", name: "example.com" },
  }),
);
// Synthesizes the app once, while the file loads (the first synth takes seconds).
const annotations = Annotations.fromStack(stack);

describe("cdk-nag AwsSolutionsChecks", () => {
  it("finds nothing unacknowledged in the stack with every option on", () => {
    expect(findings(stack)).toEqual([]);
  });

  it("finds nothing in the plain example deployment either", () => {
    expect(findings(new MayflyStack(new App(), "Mayfly", exampleProps()))).toEqual([]);
  });

  it("is live: an unencrypted queue without TLS is reported", () => {
    const other = new Stack(new App(), "Other");
    new sqs.Queue(other, "Plain");
    expect(findings(other)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^AwsSolutions-SQS4 Other\/Plain/)]),
    );
  });

  it("every acknowledgement states a reason", () => {
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThan(5);
    for (const [id, reason] of acks) {
      expect(id).toMatch(/AwsSolutions-/);
      expect(reason.length, id).toBeGreaterThan(60);
    }
  });

  it("leaves no CDK errors or warnings on the stack", () => {
    expect(annotations.findError("*", Match.anyValue())).toEqual([]);
    expect(annotations.findWarning("*", Match.anyValue())).toEqual([]);
  });
});
