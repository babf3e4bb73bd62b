import type { ArnComponents, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type { Pool } from "../../src/pool-file.js";
import { warmCapacityStatements } from "./warm-policy.js";

/** The tag every instance and volume the app launches must carry (src/aws/fleet.ts TAG.managedBy). */
export const MANAGED_BY_TAG = "mayfly:managed-by";
/** The one tag the app writes after launch: the instance enrolled (src/domain/tags.ts, ADR 0007). */
export const ENROLLED_TAG = "mayfly:enrolled";
/** Written by the reaper at a spot interruption warning (ADR 0015). */
export const INTERRUPTED_TAG = "mayfly:interrupted";
/** Written by the reaper when a job the policy denies took the runner (src/aws/ec2-mark-taken.ts). */
export const TAKEN_TAG = "mayfly:taken";

export interface FleetPolicyInput {
  /** Value of the managed-by tag: the stack name (the app's MAYFLY_DEPLOYMENT_ID). */
  deploymentId: string;
  launchTemplateIds: readonly string[];
  subnetIds: readonly string[];
  securityGroupIds: readonly string[];
  /** Subnets of pools that set `publicIp: true`; public addresses are denied everywhere else. */
  publicIpSubnetIds: readonly string[];
  images: readonly Pool["image"][];
  /** Every instance type any pool names: the only ones the app may launch. */
  instanceTypes: readonly string[];
  kmsKeyIds: readonly string[];
  runnerRoleArn: string;
  /** Some pool launches Spot instances. */
  usesSpot: boolean;
  /** Some pool keeps warm capacity (its `warm` key): the warm grants below. */
  usesWarm?: boolean;
}

/**
 * Everything the app may do to EC2, as conditions rather than naming conventions. What the app calls:
 * RunInstances (tag-on-create), DescribeInstances, TerminateInstances, PassRole for the runner role.
 * Not CreateFleet: the scaler does not call it, so it is not granted (docs/adr/0001-app-compute.md).
 * Resource types and keys: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html;
 * statement shapes follow https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ExamplePolicies_EC2.html.
 * Not used: `ec2:IsLaunchTemplateResource`, because the app overrides image, subnet, groups, volumes and
 * metadata options on every launch (request values win over the template's), which that key forbids.
 */
export function fleetPolicyStatements(stack: Stack, input: FleetPolicyInput): iam.PolicyStatement[] {
  const arn = (resource: string, name: string, extra: Partial<ArnComponents> = {}) =>
    stack.formatArn({ service: "ec2", resource, resourceName: name, ...extra });
  const templates = input.launchTemplateIds.map((id) => arn("launch-template", id));
  const instances = arn("instance", "*");
  const volumes = arn("volume", "*");
  const interfaces = arn("network-interface", "*");
  const subnets = input.subnetIds.map((id) => arn("subnet", id));
  const fromOwnTemplate = { ArnEquals: { "ec2:LaunchTemplate": templates } };
  const taggedAsOurs = { [`aws:RequestTag/${MANAGED_BY_TAG}`]: input.deploymentId };
  const allow = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
    new iam.PolicyStatement({ sid, actions, resources, ...(conditions ? { conditions } : {}) });
  const deny = (sid: string, resources: string[], conditions: Record<string, unknown>) =>
    new iam.PolicyStatement({
      sid,
      effect: iam.Effect.DENY,
      actions: ["ec2:RunInstances"],
      resources,
      conditions,
    });

  return [
    allow("LaunchFromOwnTemplates", ["ec2:RunInstances"], templates),
    allow("LaunchTaggedHardenedInstances", ["ec2:RunInstances"], [instances], {
      ...fromOwnTemplate,
      StringEquals: {
        ...taggedAsOurs,
        "ec2:MetadataHttpTokens": "required",
        "ec2:InstanceMetadataTags": "disabled",
        // Request values win over the template's: only the pools' types (issue 10, finding 7).
        "ec2:InstanceType": [...new Set(input.instanceTypes)].sort(),
      },
      NumericEquals: { "ec2:MetadataHttpPutResponseHopLimit": "1" },
    }),
    allow("LaunchEncryptedTaggedVolumes", ["ec2:RunInstances"], [volumes], {
      ...fromOwnTemplate,
      Bool: { "ec2:Encrypted": "true" },
      StringEquals: taggedAsOurs,
    }),
    allow("LaunchInterfacesInPoolSubnets", ["ec2:RunInstances"], [interfaces], {
      ArnEquals: { "ec2:LaunchTemplate": templates, "ec2:Subnet": subnets },
    }),
    allow(
      "LaunchIntoPoolNetwork",
      ["ec2:RunInstances"],
      [...subnets, ...input.securityGroupIds.map((id) => arn("security-group", id))],
      fromOwnTemplate,
    ),
    ...imageStatements(stack, input.images, fromOwnTemplate),
    allow("TagOnLaunchOnly", ["ec2:CreateTags"], [instances, volumes], {
      StringEquals: { "ec2:CreateAction": "RunInstances", ...taggedAsOurs },
    }),
    // At a spot interruption warning the app marks its own instance (ADR 0015): only that one tag key, only
    // on instances already tagged as this deployment's, so it can neither adopt nor retag anything else.
    allow("MarkOwnInstancesInterrupted", ["ec2:CreateTags"], [instances], {
      StringEquals: { [`aws:ResourceTag/${MANAGED_BY_TAG}`]: input.deploymentId },
      "ForAllValues:StringEquals": { "aws:TagKeys": [INTERRUPTED_TAG] },
      Null: { [`aws:RequestTag/${INTERRUPTED_TAG}`]: "false" },
    }),
    // A runner a denied job took: its launch no longer counts against its jobs' cap. Only that key.
    allow("RecordTakenRunners", ["ec2:CreateTags"], [instances], {
      StringEquals: { [`aws:ResourceTag/${MANAGED_BY_TAG}`]: input.deploymentId },
      "ForAllValues:StringEquals": { "aws:TagKeys": [TAKEN_TAG] },
      Null: { [`aws:RequestTag/${TAKEN_TAG}`]: "false" },
    }),
    // Enrolment's record (ADR 0007): only the enrolled key, only on this deployment's instances.
    allow("RecordEnrolment", ["ec2:CreateTags"], [instances], {
      StringEquals: { [`aws:ResourceTag/${MANAGED_BY_TAG}`]: input.deploymentId },
      "ForAllValues:StringEquals": { "aws:TagKeys": [ENROLLED_TAG] },
      Null: { [`aws:RequestTag/${ENROLLED_TAG}`]: "false" },
    }),
    allow("TerminateOwnInstances", ["ec2:TerminateInstances"], [instances], {
      StringEquals: { [`aws:ResourceTag/${MANAGED_BY_TAG}`]: input.deploymentId },
    }),
    // DescribeInstances supports no resource-level permissions; the app filters by the managed-by tag.
    allow("DescribeInstances", ["ec2:DescribeInstances"], ["*"]),
    // The setup checklist's "every pool's image found" (src/aws/image-lookup.ts); DescribeImages supports
    // no resource-level permissions either, and reveals only what the account may already launch.
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
    allow("DescribePoolImages", ["ec2:DescribeImages"], ["*"]),
    allow("PassRunnerRoleToEc2", ["iam:PassRole"], [input.runnerRoleArn], {
      StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" },
    }),
    ...optionalGrants(stack, input),
    ...(input.usesWarm ? warmCapacityStatements(instances, input.deploymentId) : []),
    // Guardrails: explicit denies hold even if someone attaches a broader policy to the app's role.
    deny("DenyImdsV1", [instances], { StringNotEquals: { "ec2:MetadataHttpTokens": "required" } }),
    deny("DenyHopLimitAboveOne", [instances], {
      NumericGreaterThan: { "ec2:MetadataHttpPutResponseHopLimit": "1" },
    }),
    deny("DenyInstanceMetadataTags", [instances], {
      StringEquals: { "ec2:InstanceMetadataTags": "enabled" },
    }),
    deny("DenyUnencryptedVolumes", [volumes], { Bool: { "ec2:Encrypted": "false" } }),
    // ArnNotEquals is also true when the key is absent, so a launch without a template is denied too.
    deny("DenyOtherLaunchTemplates", ["*"], { ArnNotEquals: { "ec2:LaunchTemplate": templates } }),
    deny("DenyPublicIp", [interfaces], {
      Bool: { "ec2:AssociatePublicIpAddress": "true" },
      ...(input.publicIpSubnetIds.length > 0
        ? { ArnNotEquals: { "ec2:Subnet": input.publicIpSubnetIds.map((id) => arn("subnet", id)) } }
        : {}),
    }),
  ];
}

/**
 * The pools' images only (issue 10, finding 7). AMI ids are listed exactly. An SSM-resolved image is
 * unknown until launch, so its statement allows any image id but only of the owners the pool names
 * (default: this account), by `ec2:Owner` on the image resource.
 */
function imageStatements(
  stack: Stack,
  images: readonly Pool["image"][],
  fromOwnTemplate: Record<string, unknown>,
): iam.PolicyStatement[] {
  const image = (id: string) =>
    stack.formatArn({ service: "ec2", account: "", resource: "image", resourceName: id });
  const ids = [...new Set(images.filter((i): i is string => typeof i === "string"))];
  const owners = [
    ...new Set(
      images.flatMap((i) =>
        typeof i === "string" ? [] : "owners" in i && i.owners ? i.owners : [stack.account],
      ),
    ),
  ];
  const statements: iam.PolicyStatement[] = [];
  if (ids.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: "LaunchPoolImages",
        actions: ["ec2:RunInstances"],
        resources: ids.map(image),
        conditions: fromOwnTemplate,
      }),
    );
  }
  if (owners.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: "LaunchPoolOwnersImages",
        actions: ["ec2:RunInstances"],
        resources: [image("*")],
        conditions: { ...fromOwnTemplate, StringEquals: { "ec2:Owner": owners } },
      }),
    );
  }
  return statements;
}

function optionalGrants(stack: Stack, input: FleetPolicyInput): iam.PolicyStatement[] {
  const statements: iam.PolicyStatement[] = [];
  const parameters = [
    ...new Set(input.images.flatMap((i) => (typeof i === "string" ? [] : [i.ssmParameter]))),
  ];
  if (parameters.length > 0) {
    // `resolve:ssm:` image ids are resolved with the caller's rights (EC2 RunInstances ImageId docs).
    statements.push(
      new iam.PolicyStatement({
        sid: "ResolveImageParameters",
        actions: ["ssm:GetParameters"],
        resources: parameters.map((p) =>
          stack.formatArn({ service: "ssm", resource: "parameter", resourceName: p.replace(/^\//, "") }),
        ),
      }),
    );
  }
  if (input.usesSpot) {
    // The first Spot launch in an account creates EC2's Spot service-linked role with the caller's
    // rights (CloudSnorkel/cdk-github-runners#182); allow exactly that role and nothing else.
    statements.push(
      new iam.PolicyStatement({
        sid: "CreateSpotServiceLinkedRole",
        actions: ["iam:CreateServiceLinkedRole"],
        resources: [
          stack.formatArn({
            service: "iam",
            region: "",
            resource: "role",
            resourceName: "aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot",
          }),
        ],
        conditions: { StringEquals: { "iam:AWSServiceName": "spot.amazonaws.com" } },
      }),
    );
  }
  if (input.kmsKeyIds.length > 0) {
    // Encrypting a new volume with a customer key: EC2 acts with the caller's KMS rights.
    // https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption-requirements.html
    statements.push(
      new iam.PolicyStatement({
        sid: "UsePoolVolumeKeys",
        actions: [
          "kms:CreateGrant",
          "kms:Decrypt",
          "kms:DescribeKey",
          "kms:GenerateDataKeyWithoutPlaintext",
          "kms:ReEncryptFrom",
          "kms:ReEncryptTo",
        ],
        resources: [...new Set(input.kmsKeyIds)].map((id) =>
          id.startsWith("arn:") ? id : stack.formatArn({ service: "kms", resource: "key", resourceName: id }),
        ),
        conditions: { StringEquals: { "kms:ViaService": `ec2.${stack.region}.amazonaws.com` } },
      }),
    );
  }
  return statements;
}
