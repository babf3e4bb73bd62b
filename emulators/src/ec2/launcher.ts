import type { Ec2Context } from "./context.js";
import { identityDocument } from "./identity.js";
import { hashOf, newId, vpcOf } from "./ids.js";
import { architectureOf, type EmulatedVolume, type InstanceRecord } from "./model.js";
import type { BlockDeviceInput, ResolvedOptions } from "./options.js";
import type { ResolvedLaunch } from "./resolve-launch.js";

export interface LaunchExtras {
  reservationId: string;
  clientToken: string;
  launchTemplate?: { id: string; name: string; version: string };
  fleetId?: string;
  /** System tags EC2 adds itself (e.g. aws:ec2:fleet-id). */
  systemTags?: Record<string, string>;
}

/** Creates `count` pending instances with their volumes and starts their boot timers. */
export function launchInstances(
  launch: ResolvedLaunch,
  count: number,
  ctx: Ec2Context,
  extras: LaunchExtras,
): InstanceRecord[] {
  const { options } = ctx;
  const now = options.now();
  return Array.from({ length: count }, () => {
    const instanceId = newId("i");
    const record: InstanceRecord = {
      seq: ctx.store.nextSeq(),
      instanceId,
      reservationId: extras.reservationId,
      imageId: launch.imageId,
      instanceType: launch.instanceType,
      architecture: architectureOf(launch.instanceType),
      availabilityZone: launch.availabilityZone,
      subnetId: launch.subnetId,
      vpcId: vpcOf(options.region),
      privateIp: ctx.addresses.privateIp(launch.subnetId),
      ...(launch.publicIp ? { publicIp: ctx.addresses.publicIp() } : {}),
      securityGroupIds: [...launch.securityGroupIds],
      ...(launch.iamInstanceProfile ? { iamInstanceProfile: launch.iamInstanceProfile } : {}),
      market: launch.market,
      ...(launch.market === "spot" ? { spotInstanceRequestId: newId("sir").slice(0, 12) } : {}),
      state: "pending",
      stateReason: { code: "pending", message: "pending" },
      stateTransitionReason: "",
      launchTime: now,
      tags: { ...launch.instanceTags, ...extras.systemTags },
      ...userData(launch.userDataBase64),
      metadataOptions: { ...launch.metadataOptions },
      volumes: [],
      shutdownBehavior: launch.shutdownBehavior,
      disableApiTermination: launch.disableApiTermination,
      clientToken: extras.clientToken,
      ...(extras.launchTemplate ? { launchTemplate: extras.launchTemplate } : {}),
      ...(extras.fleetId ? { fleetId: extras.fleetId } : {}),
      identityDocument: "",
    };
    record.volumes = launch.blockDevices.map((d) => volumeFor(d, record, launch, options));
    record.identityDocument = identityDocument(record, options.region, options.accountId);
    ctx.store.add(record);
    ctx.lifecycle.launched(record);
    return record;
  });
}

function userData(base64: string | undefined): { userData?: string; userDataBase64?: string } {
  if (base64 === undefined) return {};
  return { userDataBase64: base64, userData: Buffer.from(base64, "base64").toString("utf8") };
}

function volumeFor(
  device: BlockDeviceInput,
  instance: InstanceRecord,
  launch: ResolvedLaunch,
  options: ResolvedOptions,
): EmulatedVolume {
  const volumeType = device.volumeType ?? "gp3";
  const encrypted = device.encrypted ?? false;
  // An encrypted volume with no key named uses the account's AWS-managed key (alias/aws/ebs).
  const defaultKey = `arn:aws:kms:${options.region}:${options.accountId}:key/${hashOf("aws/ebs").toString("hex").slice(0, 32)}`;
  return {
    volumeId: newId("vol"),
    instanceId: instance.instanceId,
    deviceName: device.deviceName,
    sizeGiB: device.volumeSize ?? 8,
    volumeType,
    ...(device.iops !== undefined || volumeType === "gp3" ? { iops: device.iops ?? 3000 } : {}),
    ...(volumeType === "gp3" ? { throughput: device.throughput ?? 125 } : {}),
    encrypted,
    ...(encrypted ? { kmsKeyId: device.kmsKeyId ?? defaultKey } : {}),
    deleteOnTermination: device.deleteOnTermination ?? true,
    availabilityZone: launch.availabilityZone,
    state: "in-use",
    createTime: instance.launchTime,
    tags: { ...launch.volumeTags },
  };
}
