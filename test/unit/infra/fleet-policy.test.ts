import { Template } from "aws-cdk-lib/assertions";
import * as iam from "aws-cdk-lib/aws-iam";
import { describe, expect, it } from "vitest";
import { RunnerLaunchTemplates } from "../../../infra/lib/runner-launch-templates.js";
import {
  ACCOUNT,
  asList,
  bareStack,
  bySid,
  ec2Arn,
  exampleStack,
  launchTemplateArn,
  policyStatements,
  pools,
  REGION,
  type Statement,
} from "./fixtures.js";

// One synthesized example deployment for the whole file (synth takes seconds).
const { template } = exampleStack();
const fleet = policyStatements(template, "RunnersFleetAccess");
const templateIds = Object.keys(template.findResources("AWS::EC2::LaunchTemplate")).sort();
const ownTemplates = templateIds.map(launchTemplateArn);
const sortedArns = (value: unknown) =>
  [...asList(value)].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const runInstancesAllows = fleet.filter(
  (s) => s.Effect === "Allow" && asList(s.Action).includes("ec2:RunInstances"),
);

/** Every instance type the example pool file (mayfly.example.yml) names. */
const POOL_TYPES = [
  "c6g.large",
  "c7g.large",
  "m5.2xlarge",
  "m6i.2xlarge",
  "m7i.2xlarge",
  "t3.medium",
  "t3a.medium",
];

/**
 * IAM's evaluation of one request against the policy's Allow statements for an action on a resource
 * type, over the condition operators this policy uses (enough to attack it; not a general engine).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
function allowed(action: string, resource: string, context: Record<string, string | string[]>): boolean {
  const [type, id = "*"] = resource.split("/");
  const values = (v: unknown) => asList(v).map(String);
  const holds = (operator: string, conditions: Record<string, unknown>) =>
    Object.entries(conditions).every(([key, expected]) => {
      const actual = context[key];
      const wanted = values(expected);
      if (operator === "StringEquals")
        return actual !== undefined && asList(actual).every((a) => wanted.includes(String(a)));
      if (operator === "ForAllValues:StringEquals")
        return asList(actual ?? []).every((a) => wanted.includes(String(a)));
      if (operator === "Null") return (actual === undefined) === (wanted[0] === "true");
      if (operator === "ArnEquals" || operator === "NumericEquals" || operator === "Bool") return true; // not attacked here
      throw new Error(`operator ${operator} not modelled`);
    });
  return fleet.some(
    (s) =>
      s.Effect === "Allow" &&
      asList(s.Action).includes(action) &&
      (JSON.stringify(s.Resource).includes(`:${type}/*`) ||
        JSON.stringify(s.Resource).includes(`:${type}/${id}"`)) &&
      Object.entries(s.Condition ?? {}).every(([op, c]) => holds(op, c as Record<string, unknown>)),
  );
}

describe("the app's EC2 policy", () => {
  it("is attached to the app's task role only", () => {
    const [policy] = Object.values(template.findResources("AWS::IAM::Policy")).filter((p) =>
      JSON.stringify(p.Properties.PolicyName).includes("RunnersFleetAccess"),
    );
    expect(policy?.Properties.Roles).toEqual([{ Ref: expect.stringMatching(/^AppTaskTaskRole/) }]);
  });

  it("never allows a mutating EC2 or IAM action on every resource", () => {
    const broad = fleet.filter((s) => s.Effect === "Allow" && asList(s.Resource).includes("*"));
    // Neither Describe call supports resource-level permissions; DescribeImages is the checklist's.
    expect(broad.flatMap((s) => asList(s.Action))).toEqual(["ec2:DescribeInstances", "ec2:DescribeImages"]);
  });

  it("grants only the calls the app makes (no CreateFleet)", () => {
    const actions = new Set(fleet.filter((s) => s.Effect === "Allow").flatMap((s) => asList(s.Action)));
    // The example has a warm pool: Start/ModifyInstanceAttribute/DeleteTags (warm-policy.test.ts).
    expect([...actions].sort()).toEqual([
      "ec2:CreateTags",
      "ec2:DeleteTags",
      "ec2:DescribeImages",
      "ec2:DescribeInstances",
      "ec2:ModifyInstanceAttribute",
      "ec2:RunInstances",
      "ec2:StartInstances",
      "ec2:TerminateInstances",
      "iam:CreateServiceLinkedRole",
      "iam:PassRole",
      "ssm:GetParameters",
    ]);
  });

  it("may create only EC2's Spot service-linked role, which the first Spot launch needs", () => {
    expect(bySid(fleet, "CreateSpotServiceLinkedRole")).toEqual({
      Sid: "CreateSpotServiceLinkedRole",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: {
        "Fn::Join": [
          "",
          [
            "arn:",
            { Ref: "AWS::Partition" },
            `:iam::${ACCOUNT}:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot`,
          ],
        ],
      },
      Condition: { StringEquals: { "iam:AWSServiceName": "spot.amazonaws.com" } },
    });
  });

  it("allows RunInstances only from this stack's launch templates", () => {
    expect(sortedArns(bySid(fleet, "LaunchFromOwnTemplates").Resource)).toEqual(sortedArns(ownTemplates));
    const others = runInstancesAllows.filter((s) => s.Sid !== "LaunchFromOwnTemplates");
    expect(others.length).toBeGreaterThan(0);
    for (const statement of others) {
      expect(sortedArns(statement.Condition?.ArnEquals?.["ec2:LaunchTemplate"]), statement.Sid).toEqual(
        sortedArns(ownTemplates),
      );
    }
  });

  it("creates instances only tagged as this deployment's, with IMDSv2, hop limit 1 and no metadata tags", () => {
    const statement = bySid(fleet, "LaunchTaggedHardenedInstances");
    expect(statement.Resource).toEqual(ec2Arn("instance/*"));
    expect(statement.Condition?.StringEquals).toEqual({
      "aws:RequestTag/mayfly:managed-by": "Mayfly",
      "ec2:MetadataHttpTokens": "required",
      "ec2:InstanceMetadataTags": "disabled",
      "ec2:InstanceType": POOL_TYPES,
    });
    expect(statement.Condition?.NumericEquals).toEqual({ "ec2:MetadataHttpPutResponseHopLimit": "1" });
  });

  it("creates only encrypted, tagged volumes", () => {
    const statement = bySid(fleet, "LaunchEncryptedTaggedVolumes");
    expect(statement.Resource).toEqual(ec2Arn("volume/*"));
    expect(statement.Condition?.Bool).toEqual({ "ec2:Encrypted": "true" });
    expect(statement.Condition?.StringEquals).toEqual({ "aws:RequestTag/mayfly:managed-by": "Mayfly" });
  });

  it("uses only the pools' subnets and the runner security group", () => {
    const subnets = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002", "subnet-0a1b2c3d4e5f60003"];
    const network = bySid(fleet, "LaunchIntoPoolNetwork");
    const groups = Object.keys(template.findResources("AWS::EC2::SecurityGroup")).filter((id) =>
      id.startsWith("RunnersRunnerSecurityGroup"),
    );
    expect(sortedArns(network.Resource)).toEqual(
      sortedArns([
        ...subnets.map((s) => ec2Arn(`subnet/${s}`)),
        ...groups.map((g) => ({
          "Fn::Join": [
            "",
            [
              "arn:",
              { Ref: "AWS::Partition" },
              `:ec2:${REGION}:${ACCOUNT}:security-group/`,
              { "Fn::GetAtt": [g, "GroupId"] },
            ],
          ],
        })),
      ]),
    );
    const interfaces = bySid(fleet, "LaunchInterfacesInPoolSubnets");
    expect(interfaces.Resource).toEqual(ec2Arn("network-interface/*"));
    expect(sortedArns(interfaces.Condition?.ArnEquals?.["ec2:Subnet"])).toEqual(
      sortedArns(subnets.map((s) => ec2Arn(`subnet/${s}`))),
    );
  });

  it("tags only as part of RunInstances, and only with this deployment's managed-by tag", () => {
    expect(bySid(fleet, "TagOnLaunchOnly")).toMatchObject({
      Action: "ec2:CreateTags",
      Resource: [ec2Arn("instance/*"), ec2Arn("volume/*")],
      Condition: {
        StringEquals: { "ec2:CreateAction": "RunInstances", "aws:RequestTag/mayfly:managed-by": "Mayfly" },
      },
    });
  });

  it("tags existing instances only with mayfly:interrupted, and only this deployment's", () => {
    expect(bySid(fleet, "MarkOwnInstancesInterrupted")).toEqual({
      Sid: "MarkOwnInstancesInterrupted",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: ec2Arn("instance/*"),
      Condition: {
        StringEquals: { "aws:ResourceTag/mayfly:managed-by": "Mayfly" },
        "ForAllValues:StringEquals": { "aws:TagKeys": ["mayfly:interrupted"] },
        Null: { "aws:RequestTag/mayfly:interrupted": "false" },
      },
    });
    const ours = { "aws:ResourceTag/mayfly:managed-by": "Mayfly" };
    const mark = { "aws:TagKeys": ["mayfly:interrupted"], "aws:RequestTag/mayfly:interrupted": "2026-01-01" };
    expect(allowed("ec2:CreateTags", "instance", { ...ours, ...mark })).toBe(true);
    expect(
      allowed("ec2:CreateTags", "instance", { "aws:ResourceTag/mayfly:managed-by": "Other", ...mark }),
    ).toBe(false);
    expect(
      allowed("ec2:CreateTags", "instance", {
        ...ours,
        "aws:TagKeys": ["mayfly:interrupted", "mayfly:pool"],
        "aws:RequestTag/mayfly:interrupted": "x",
        "aws:RequestTag/mayfly:pool": "x",
      }),
    ).toBe(false);
  });

  it("marks a runner a denied job took with only mayfly:taken, only on this deployment's instances", () => {
    const ours = { "aws:ResourceTag/mayfly:managed-by": "Mayfly" };
    const taken = { "aws:TagKeys": ["mayfly:taken"], "aws:RequestTag/mayfly:taken": "33000000010" };
    expect(allowed("ec2:CreateTags", "instance", { ...ours, ...taken })).toBe(true);
    expect(
      allowed("ec2:CreateTags", "instance", { "aws:ResourceTag/mayfly:managed-by": "Other", ...taken }),
    ).toBe(false);
    // Beside it, no key that would move the instance's pool, owner or launch count.
    for (const key of ["mayfly:pool", "mayfly:managed-by", "mayfly:launch", "mayfly:jobs"]) {
      expect(
        allowed("ec2:CreateTags", "instance", {
          ...ours,
          "aws:TagKeys": ["mayfly:taken", key],
          "aws:RequestTag/mayfly:taken": "x",
          [`aws:RequestTag/${key}`]: "x",
        }),
      ).toBe(false);
    }
    expect(allowed("ec2:CreateTags", "volume", { ...ours, ...taken })).toBe(false);
  });

  it("records enrolment with only the mayfly:enrolled key, only on this deployment's instances (ADR 0007)", () => {
    const ours = { "aws:ResourceTag/mayfly:managed-by": "Mayfly" };
    const enrolled = { "aws:TagKeys": ["mayfly:enrolled"], "aws:RequestTag/mayfly:enrolled": "issued/1/…" };
    expect(allowed("ec2:CreateTags", "instance", { ...ours, ...enrolled })).toBe(true);
    // Another deployment's instance, or an instance that is nobody's.
    expect(
      allowed("ec2:CreateTags", "instance", { "aws:ResourceTag/mayfly:managed-by": "Other", ...enrolled }),
    ).toBe(false);
    expect(allowed("ec2:CreateTags", "instance", enrolled)).toBe(false);
    // Any other key, alone or beside the enrolled one (re-pooling, re-owning an instance).
    for (const key of ["mayfly:pool", "mayfly:managed-by", "Name"]) {
      expect(
        allowed("ec2:CreateTags", "instance", {
          ...ours,
          "aws:TagKeys": ["mayfly:enrolled", key],
          "aws:RequestTag/mayfly:enrolled": "x",
          [`aws:RequestTag/${key}`]: "x",
        }),
      ).toBe(false);
    }
    // An empty tag set satisfies ForAllValues; the Null condition refuses it.
    expect(allowed("ec2:CreateTags", "instance", { ...ours, "aws:TagKeys": [] })).toBe(false);
    // Volumes are never tagged after launch.
    expect(allowed("ec2:CreateTags", "volume", { ...ours, ...enrolled })).toBe(false);
    // Launch-time tags still need ec2:CreateAction = RunInstances and this deployment's tag.
    expect(
      allowed("ec2:CreateTags", "volume", {
        "ec2:CreateAction": "RunInstances",
        "aws:RequestTag/mayfly:managed-by": "Mayfly",
      }),
    ).toBe(true);
    expect(allowed("ec2:CreateTags", "volume", { "aws:RequestTag/mayfly:managed-by": "Mayfly" })).toBe(false);
  });

  it("launches only the pools' instance types (finding 7 of issue 10)", () => {
    const hardened = {
      "aws:RequestTag/mayfly:managed-by": "Mayfly",
      "ec2:MetadataHttpTokens": "required",
      "ec2:InstanceMetadataTags": "disabled",
    };
    expect(allowed("ec2:RunInstances", "instance", { ...hardened, "ec2:InstanceType": "t3.medium" })).toBe(
      true,
    );
    for (const type of ["p5.48xlarge", "x2iedn.32xlarge", "t3.micro"])
      expect(allowed("ec2:RunInstances", "instance", { ...hardened, "ec2:InstanceType": type })).toBe(false);
    expect(allowed("ec2:RunInstances", "instance", hardened)).toBe(false);
  });

  it("launches only images of the owners the pool file names when a pool resolves its image from SSM", () => {
    expect(bySid(fleet, "LaunchPoolOwnersImages").Condition?.StringEquals).toEqual({
      "ec2:Owner": [ACCOUNT],
    });
    const stranger = "image/ami-0ffffffffffffffff";
    expect(allowed("ec2:RunInstances", stranger, { "ec2:Owner": ACCOUNT })).toBe(true);
    for (const owner of ["amazon", "999999999999"])
      expect(allowed("ec2:RunInstances", stranger, { "ec2:Owner": owner })).toBe(false);
    expect(allowed("ec2:RunInstances", stranger, {})).toBe(false);
    // The pool's own AMI id is allowed by id, whoever owns it.
    expect(allowed("ec2:RunInstances", "image/ami-0123456789abcdef0", { "ec2:Owner": "amazon" })).toBe(true);
  });

  it("terminates only instances that carry this deployment's managed-by tag", () => {
    expect(bySid(fleet, "TerminateOwnInstances")).toEqual({
      Sid: "TerminateOwnInstances",
      Effect: "Allow",
      Action: "ec2:TerminateInstances",
      Resource: ec2Arn("instance/*"),
      Condition: { StringEquals: { "aws:ResourceTag/mayfly:managed-by": "Mayfly" } },
    });
  });

  it("passes only the runner role, and only to EC2", () => {
    const [runnerRole] = Object.keys(template.findResources("AWS::IAM::Role")).filter((id) =>
      id.startsWith("RunnersRunnerRole"),
    );
    expect(bySid(fleet, "PassRunnerRoleToEc2")).toEqual({
      Sid: "PassRunnerRoleToEc2",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: { "Fn::GetAtt": [runnerRole, "Arn"] },
      Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
    });
  });

  it("reads only the image parameters the pools name, variants included", () => {
    const statement = bySid(fleet, "ResolveImageParameters");
    expect(sortedArns(statement.Resource)).toEqual(
      sortedArns(
        // mayfly.example.yml names `{ variant: standard }` and `{ variant: minimal, arch: arm64 }`.
        ["mayfly/images/runner-standard-x64", "mayfly/images/runner-minimal-arm64"].map((p) => ({
          "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, `:ssm:${REGION}:${ACCOUNT}:parameter/${p}`]],
        })),
      ),
    );
  });

  it.each([
    ["DenyImdsV1", ec2Arn("instance/*"), { StringNotEquals: { "ec2:MetadataHttpTokens": "required" } }],
    [
      "DenyHopLimitAboveOne",
      ec2Arn("instance/*"),
      { NumericGreaterThan: { "ec2:MetadataHttpPutResponseHopLimit": "1" } },
    ],
    [
      "DenyInstanceMetadataTags",
      ec2Arn("instance/*"),
      { StringEquals: { "ec2:InstanceMetadataTags": "enabled" } },
    ],
    ["DenyUnencryptedVolumes", ec2Arn("volume/*"), { Bool: { "ec2:Encrypted": "false" } }],
    ["DenyPublicIp", ec2Arn("network-interface/*"), { Bool: { "ec2:AssociatePublicIpAddress": "true" } }],
  ])("denies unsafe launches: %s", (sid, resource, condition) => {
    expect(bySid(fleet, sid)).toEqual({
      Sid: sid,
      Effect: "Deny",
      Action: "ec2:RunInstances",
      Resource: resource,
      Condition: condition,
    });
  });

  it("denies launches without one of this stack's launch templates", () => {
    const statement = bySid(fleet, "DenyOtherLaunchTemplates");
    expect(statement).toMatchObject({ Effect: "Deny", Action: "ec2:RunInstances", Resource: "*" });
    expect(sortedArns(statement.Condition?.ArnNotEquals?.["ec2:LaunchTemplate"])).toEqual(
      sortedArns(ownTemplates),
    );
  });
});

describe("the app's queue rights", () => {
  const app = policyStatements(template, "AppTaskTaskRoleDefaultPolicy");
  const arn = (id: string) => ({ "Fn::GetAtt": [id, "Arn"] });
  const queueId = (prefix: string) =>
    Object.keys(template.findResources("AWS::SQS::Queue")).find((id) => id.startsWith(prefix)) ?? "";

  it("are limited to its own three queues (and the App secret, nothing else)", () => {
    expect(app).toEqual([
      {
        Sid: "UseWorkQueues",
        Effect: "Allow",
        Action: ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
        Resource: [arn(queueId("QueuesScale")), arn(queueId("QueuesReap"))],
      },
      {
        Sid: "DeadLetterPoisonMessages",
        Effect: "Allow",
        Action: "sqs:SendMessage",
        Resource: arn(queueId("QueuesDeadLetter")),
      },
      // The one other statement in this policy: setup mode's store (infra/lib/app-secrets.ts).
      {
        Sid: "GithubAppCredentials",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"],
        Resource: {
          Ref: Object.keys(template.findResources("AWS::SecretsManager::Secret")).find((id) =>
            id.startsWith("SecretsGithubApp"),
          ),
        },
      },
    ]);
  });
});

describe("the runner role", () => {
  it("has no policies and is named in no other policy but the app's PassRole", () => {
    const roles = template.findResources("AWS::IAM::Role");
    const [id, role] = Object.entries(roles).find(([key]) => key.startsWith("RunnersRunnerRole")) ?? [];
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role?.Properties.Policies).toBeUndefined();
    const mentions = (type: string) =>
      Object.entries(template.findResources(type)).filter(([, r]) => JSON.stringify(r).includes(`"${id}"`));
    expect(mentions("AWS::IAM::Policy").map(([key]) => key)).toEqual([
      expect.stringMatching(/^RunnersFleetAccess/),
    ]);
    expect(mentions("AWS::SQS::QueuePolicy")).toEqual([]);
    expect(mentions("AWS::SecretsManager::ResourcePolicy")).toEqual([]);
    const assume = role?.Properties.AssumeRolePolicyDocument.Statement as Statement[];
    expect(assume).toEqual([
      { Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" } },
    ]);
  });
});

describe("pool options that change the policy", () => {
  const { stack, vpc } = bareStack();
  const runners = new RunnerLaunchTemplates(stack, "Runners", {
    vpc,
    templatePrefix: "T-",
    pools: pools(`
  - name: private
    labels: [a]
    instanceTypes: [t3.small]
    image: ami-0123456789abcdef0
    subnets: [subnet-00000000000000001]
    securityGroups: [sg-00000000000000001]
    maxRunners: 1
  - name: public
    labels: [b]
    instanceTypes: [t3.small]
    image: ami-0123456789abcdef1
    subnets: [subnet-00000000000000002]
    securityGroups: [sg-00000000000000001]
    publicIp: true
    volume: { kmsKeyId: arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555 }
    maxRunners: 1
`).pools,
  });
  runners.grantFleetAccess(
    new iam.Role(stack, "App", { assumedBy: new iam.ServicePrincipal("ecs-tasks.amazonaws.com") }),
    "Test",
  );
  const statements = policyStatements(Template.fromStack(stack), "RunnersFleetAccess");

  it("allows public addresses only in subnets of pools that ask for them", () => {
    expect(bySid(statements, "DenyPublicIp").Condition).toEqual({
      Bool: { "ec2:AssociatePublicIpAddress": "true" },
      ArnNotEquals: { "ec2:Subnet": [ec2Arn("subnet/subnet-00000000000000002")] },
    });
  });

  it("lists exact AMIs when no pool resolves its image from SSM", () => {
    const image = (id: string) => ({
      "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, `:ec2:${REGION}::image/${id}`]],
    });
    expect(bySid(statements, "LaunchPoolImages").Resource).toEqual([
      image("ami-0123456789abcdef0"),
      image("ami-0123456789abcdef1"),
    ]);
    expect(statements.some((s) => s.Sid === "ResolveImageParameters")).toBe(false);
    // No owner-wide statement: an AMI outside the list is refused whoever owns it.
    expect(statements.some((s) => s.Sid === "LaunchPoolOwnersImages")).toBe(false);
  });

  it("does not let on-demand-only deployments create the Spot service-linked role", () => {
    expect(statements.some((s) => s.Sid === "CreateSpotServiceLinkedRole")).toBe(false);
  });

  it("grants a pool's customer-managed volume key only through EC2", () => {
    expect(bySid(statements, "UsePoolVolumeKeys")).toMatchObject({
      Resource: "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555",
      Condition: { StringEquals: { "kms:ViaService": "ec2.us-east-1.amazonaws.com" } },
    });
  });
});
