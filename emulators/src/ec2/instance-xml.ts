import { type EmulatedVolume, type InstanceRecord, STATE_CODE } from "./model.js";
import { tagSet, type XmlValue } from "./xml.js";

/**
 * An instance as DescribeInstances / RunInstances return it. Element names are the EC2 Query
 * `xmlName`s of the SDK's `Instance` shape (client-ec2 schemas: `ipAddress` for PublicIpAddress,
 * `instanceState`, `groupSet`, `blockDeviceMapping`, `tagSet`…).
 */
export function instanceXml(i: InstanceRecord): Record<string, XmlValue> {
  const dns = `ip-${i.privateIp.replaceAll(".", "-")}.ec2.internal`;
  return {
    instanceId: i.instanceId,
    imageId: i.imageId,
    instanceState: { code: STATE_CODE[i.state], name: i.state },
    privateDnsName: dns,
    dnsName: i.publicIp ? `ec2-${i.publicIp.replaceAll(".", "-")}.compute-1.amazonaws.com` : "",
    reason: i.stateTransitionReason,
    amiLaunchIndex: 0,
    instanceType: i.instanceType,
    launchTime: new Date(i.launchTime),
    placement: { availabilityZone: i.availabilityZone, groupName: "", tenancy: "default" },
    monitoring: { state: "disabled" },
    subnetId: i.state === "terminated" ? undefined : i.subnetId,
    vpcId: i.state === "terminated" ? undefined : i.vpcId,
    privateIpAddress: i.state === "terminated" ? undefined : i.privateIp,
    ipAddress: i.state === "running" || i.state === "pending" ? i.publicIp : undefined,
    sourceDestCheck: true,
    groupSet: i.securityGroupIds.map((groupId) => ({ groupId })),
    stateReason: i.stateReason ? { code: i.stateReason.code, message: i.stateReason.message } : undefined,
    architecture: i.architecture,
    rootDeviceType: "ebs",
    rootDeviceName: "/dev/xvda",
    blockDeviceMapping: i.state === "terminated" ? [] : i.volumes.map((v) => deviceXml(v)),
    instanceLifecycle: i.market === "spot" ? "spot" : undefined,
    spotInstanceRequestId: i.spotInstanceRequestId,
    virtualizationType: "hvm",
    clientToken: i.clientToken,
    tagSet: tagSet(i.tags),
    hypervisor: "xen",
    iamInstanceProfile: i.iamInstanceProfile,
    ebsOptimized: false,
    enaSupport: true,
    metadataOptions: {
      state: "applied",
      httpTokens: i.metadataOptions.httpTokens,
      httpPutResponseHopLimit: i.metadataOptions.httpPutResponseHopLimit,
      httpEndpoint: i.metadataOptions.httpEndpoint,
      httpProtocolIpv6: "disabled",
      instanceMetadataTags: i.metadataOptions.instanceMetadataTags,
    },
    platformDetails: "Linux/UNIX",
    usageOperation: "RunInstances",
    bootMode: "uefi-preferred",
  };
}

function deviceXml(v: EmulatedVolume): XmlValue {
  return {
    deviceName: v.deviceName,
    ebs: {
      volumeId: v.volumeId,
      status: "attached",
      attachTime: new Date(v.createTime),
      deleteOnTermination: v.deleteOnTermination,
    },
  };
}

/** A reservation (RunInstances' whole answer; one item of DescribeInstances' reservationSet). */
export function reservationXml(
  reservationId: string,
  ownerId: string,
  instances: readonly InstanceRecord[],
): Record<string, XmlValue> {
  return {
    reservationId,
    ownerId,
    groupSet: [],
    instancesSet: instances.map(instanceXml),
  };
}
