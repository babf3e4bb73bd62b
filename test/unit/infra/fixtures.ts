import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecs from "aws-cdk-lib/aws-ecs";
import { MayflyStack, type MayflyStackProps } from "../../../infra/lib/mayfly-stack.js";
import { loadPoolFile } from "../../../infra/lib/pool-guard.js";
import { readSettings } from "../../../infra/lib/read-settings.js";
import type { PoolFile } from "../../../src/pool-file.js";

export const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";

/** The example deployment `npm run synth` builds, with a pulled image so no asset is staged. */
export function exampleProps(overrides: Partial<MayflyStackProps> = {}): MayflyStackProps {
  const settings = readSettings({
    context: () => undefined,
    readFile: (path) => readFileSync(path, "utf8"),
    root: ROOT,
  });
  return {
    ...settings.props,
    image: ecs.ContainerImage.fromRegistry("ghcr.io/mayfly-ci/mayfly:test"),
    ...overrides,
  };
}

export function exampleStack(overrides: Partial<MayflyStackProps> = {}): {
  stack: MayflyStack;
  template: Template;
} {
  const stack = new MayflyStack(new App(), "Mayfly", exampleProps(overrides));
  return { stack, template: Template.fromStack(stack) };
}

/** A bare stack with an imported VPC, for testing one construct quickly. */
export function bareStack(): { stack: Stack; vpc: ec2.IVpc } {
  const stack = new Stack(new App(), "Test", { env: { account: ACCOUNT, region: REGION } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, "Vpc", {
    vpcId: "vpc-0a1b2c3d4e5f60000",
    availabilityZones: ["us-east-1a"],
  });
  return { stack, vpc };
}

export function pools(yaml: string): PoolFile {
  return loadPoolFile(`version: 1\npools:\n${yaml}`, "test.yml");
}

/** `arn:${Partition}:ec2:us-east-1:123456789012:<suffix>` as CloudFormation renders it. */
export function ec2Arn(suffix: string, account: string = ACCOUNT): unknown {
  return { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, `:ec2:${REGION}:${account}:${suffix}`]] };
}

export function launchTemplateArn(logicalId: string): unknown {
  return {
    "Fn::Join": [
      "",
      ["arn:", { Ref: "AWS::Partition" }, `:ec2:${REGION}:${ACCOUNT}:launch-template/`, { Ref: logicalId }],
    ],
  };
}

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Statements of every IAM policy in the template whose logical id starts with `prefix`. */
export function policyStatements(template: Template, prefix: string): Statement[] {
  const policies = template.findResources("AWS::IAM::Policy");
  return Object.entries(policies)
    .filter(([id]) => id.startsWith(prefix))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

export function bySid(statements: Statement[], sid: string): Statement {
  const found = statements.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}; have ${statements.map((s) => s.Sid).join(", ")}`);
  return found;
}

export const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);
