import * as iam from "aws-cdk-lib/aws-iam";
import { TAG } from "../../src/domain/tags.js";
import { MANAGED_BY_TAG } from "./fleet-policy.js";

/**
 * Warm capacity (ADR 0014), in statements of their own, exactly the calls src/warm/claim-stopped.ts makes
 * (test/integration/lifecycle/warm-capacity.test.ts records them over the emulator): DeleteTags of
 * `mayfly:warm`, ModifyInstanceAttribute (user data, shutdown behaviour) while stopped, StartInstances,
 * then CreateTags of `mayfly:jobs` on the started instance. All only on this deployment's instances.
 * StopInstances is not granted: nothing calls it (a warm-up boot stops itself, its shutdown behaviour
 * being `stop`). Keys: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
 *
 * ModifyInstanceAttribute: the reference lists `ec2:Attribute` and `ec2:Attribute/${AttributeName}` for
 * it ("filters access by an attribute being set on a resource"), but does not say which request values
 * fill them, and a public report found them absent from the evaluation context for
 * ModifySnapshotAttribute. An Allow conditioned on them could refuse every claim, so the Allow is scoped
 * by the managed-by tag only, and a Deny refuses the attributes the app never sets whenever EC2 does fill
 * their key (a guardrail that cannot break the claim; if the keys are never filled it does nothing):
 * machine size (cost), network, boot code, and the protections that would stop the reaper's cleanup.
 */
export const WARM_NEVER_MODIFIED = [
  "InstanceType",
  "Kernel",
  "Ramdisk",
  "GroupId",
  "SourceDestCheck",
  "DisableApiTermination",
  "DisableApiStop",
  "BlockDeviceMapping",
] as const;

export function warmCapacityStatements(instances: string, deploymentId: string): iam.PolicyStatement[] {
  const ours = { StringEquals: { [`aws:ResourceTag/${MANAGED_BY_TAG}`]: deploymentId } };
  return [
    new iam.PolicyStatement({
      sid: "WarmStartOwnInstances",
      actions: ["ec2:StartInstances"],
      resources: [instances],
      conditions: ours,
    }),
    new iam.PolicyStatement({
      sid: "WarmModifyOwnInstances",
      actions: ["ec2:ModifyInstanceAttribute"],
      resources: [instances],
      conditions: ours,
    }),
    ...WARM_NEVER_MODIFIED.map(
      (attribute) =>
        new iam.PolicyStatement({
          sid: `DenyWarmModify${attribute}`,
          effect: iam.Effect.DENY,
          actions: ["ec2:ModifyInstanceAttribute"],
          resources: ["*"],
          conditions: { Null: { [`ec2:Attribute/${attribute}`]: "false" } },
        }),
    ),
    // DeleteTags without a Tag list deletes every tag, and ForAllValues is true when aws:TagKeys is
    // absent, so the Null condition requires the request to name its keys.
    new iam.PolicyStatement({
      sid: "WarmUntagOwnInstances",
      actions: ["ec2:DeleteTags"],
      resources: [instances],
      conditions: {
        ...ours,
        "ForAllValues:StringEquals": { "aws:TagKeys": [TAG.warm] },
        Null: { "aws:TagKeys": "false" },
      },
    }),
    // The claim's winner records its job (src/domain/job-tags.ts: one job fits `mayfly:jobs`), so every
    // replica counts the started instance as the job's launch. Only that key, only on an instance that
    // has none yet (a stopped warm one): a launch's job list, which caps its jobs' launches, cannot be
    // rewritten afterwards.
    new iam.PolicyStatement({
      sid: "WarmTagClaimedInstances",
      actions: ["ec2:CreateTags"],
      resources: [instances],
      conditions: {
        ...ours,
        "ForAllValues:StringEquals": { "aws:TagKeys": [TAG.jobs] },
        Null: { [`aws:RequestTag/${TAG.jobs}`]: "false", [`aws:ResourceTag/${TAG.jobs}`]: "true" },
      },
    }),
  ];
}
