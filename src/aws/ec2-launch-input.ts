import type { _InstanceType, RunInstancesCommandInput } from "@aws-sdk/client-ec2";
import { TAG } from "../domain/tags.js";
import { LaunchConfigError } from "../errors.js";
import type { LaunchSpec } from "./fleet.js";

/**
 * The one RunInstances request for a launch. Hardened whatever the pool says: IMDSv2 only with hop
 * limit 1 (a container on the host cannot reach IMDS), encrypted volumes deleted with the instance, and
 * the instance terminates when the runner powers it off (DESIGN.md, runner step 4).
 */
export function buildRunInstancesInput(spec: LaunchSpec, deploymentId: string): RunInstancesCommandInput {
  const { pool } = spec;
  const tags = tagsFor(spec, deploymentId);
  const tagList = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  return {
    ImageId: typeof pool.image === "string" ? pool.image : `resolve:ssm:${pool.image.ssmParameter}`,
    // The pool file validates the shape; the SDK's union lists only today's types.
    InstanceType: spec.instanceType as _InstanceType,
    MinCount: 1,
    MaxCount: spec.count,
    // Always an explicit network interface, so "no public IP" does not depend on the subnet's
    // auto-assign setting (a subnet that maps public IPs would otherwise give the runner one).
    NetworkInterfaces: [
      {
        DeviceIndex: 0,
        SubnetId: spec.subnetId,
        Groups: [...pool.securityGroups],
        AssociatePublicIpAddress: pool.publicIp,
        DeleteOnTermination: true,
      },
    ],
    ...(pool.instanceProfile
      ? {
          IamInstanceProfile: pool.instanceProfile.startsWith("arn:")
            ? { Arn: pool.instanceProfile }
            : { Name: pool.instanceProfile },
        }
      : {}),
    UserData: Buffer.from(spec.userData, "utf8").toString("base64"),
    MetadataOptions: {
      HttpTokens: "required",
      HttpPutResponseHopLimit: 1,
      HttpEndpoint: "enabled",
      InstanceMetadataTags: "disabled",
    },
    BlockDeviceMappings: [
      {
        DeviceName: pool.volume.deviceName,
        Ebs: {
          VolumeSize: pool.volume.sizeGiB,
          VolumeType: pool.volume.type,
          Encrypted: true,
          DeleteOnTermination: true,
          ...(pool.volume.iops !== undefined ? { Iops: pool.volume.iops } : {}),
          ...(pool.volume.throughput !== undefined ? { Throughput: pool.volume.throughput } : {}),
          ...(pool.volume.kmsKeyId !== undefined ? { KmsKeyId: pool.volume.kmsKeyId } : {}),
        },
      },
    ],
    TagSpecifications: [
      { ResourceType: "instance", Tags: tagList },
      { ResourceType: "volume", Tags: tagList },
    ],
    ...(spec.market === "spot"
      ? {
          InstanceMarketOptions: {
            MarketType: "spot",
            SpotOptions: { SpotInstanceType: "one-time", InstanceInterruptionBehavior: "terminate" },
          },
        }
      : {}),
    InstanceInitiatedShutdownBehavior: spec.shutdownBehaviour ?? "terminate",
    ClientToken: spec.clientToken,
    ...(spec.launchTemplate
      ? { LaunchTemplate: { LaunchTemplateName: spec.launchTemplate, Version: "$Default" } }
      : {}),
  };
}

/**
 * The deployment tag is what `list` finds instances by; a launch without it would leave an orphan no
 * sweep can see, and one naming another deployment would hand the instance to that deployment's reaper.
 */
function tagsFor(spec: LaunchSpec, deploymentId: string): Record<string, string> {
  const given = spec.tags[TAG.managedBy];
  if (given !== undefined && given !== deploymentId) {
    throw new LaunchConfigError(
      `Launch tags name deployment "${given}" but this fleet manages "${deploymentId}"`,
      "MayflyDeploymentTagMismatch",
    );
  }
  return { ...spec.tags, [TAG.managedBy]: deploymentId };
}
