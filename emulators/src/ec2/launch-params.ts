import { combination, Ec2ApiError, invalidValue, malformed } from "./api-error.js";
import type { MetadataOptions } from "./model.js";
import type { BlockDeviceInput, LaunchTemplateDataInput } from "./options.js";
import type { Query } from "./query.js";
import { parseTagSpecifications } from "./tags.js";

/**
 * Reads the launch fields RunInstances and CreateLaunchTemplate (`LaunchTemplateData.*`) share, checking
 * each value the way EC2 does (RunInstances API reference; reference/api-facts.md §3.1).
 */
export type LaunchParams = LaunchTemplateDataInput;

const SUBNET = /^subnet-[0-9a-f]{8,17}$/;
const GROUP = /^sg-[0-9a-f]{8,17}$/;
const AMI = /^ami-[0-9a-f]{8,17}$/;
const INSTANCE_TYPE = /^[a-z0-9-]+\.[a-z0-9-]+$/;

export function parseLaunchParams(q: Query): LaunchParams {
  const params: LaunchParams = {};
  const imageId = q.str("ImageId");
  if (imageId !== undefined) {
    if (!AMI.test(imageId) && !imageId.startsWith("resolve:ssm:")) {
      throw malformed("InvalidAMIID.Malformed", imageId, "ami");
    }
    params.imageId = imageId;
  }
  const instanceType = q.str("InstanceType");
  if (instanceType !== undefined) {
    if (!INSTANCE_TYPE.test(instanceType)) throw invalidValue("InstanceType", instanceType);
    params.instanceType = instanceType;
  }
  Object.assign(params, parseNetwork(q));
  const profile = q.sub("IamInstanceProfile");
  if (profile) params.iamInstanceProfile = { name: profile.str("Name"), arn: profile.str("Arn") };
  const userData = q.str("UserData");
  if (userData !== undefined) params.userData = checkUserData(userData);
  const metadata = q.sub("MetadataOptions");
  if (metadata) params.metadataOptions = parseMetadataOptions(metadata);
  const devices = q.list("BlockDeviceMapping");
  if (devices.length > 0) params.blockDevices = devices.map(parseBlockDevice);
  const tags = parseTagSpecifications(q, [
    "instance",
    "volume",
    "network-interface",
    "spot-instances-request",
  ]);
  if (tags.instance) params.instanceTags = tags.instance;
  if (tags.volume) params.volumeTags = tags.volume;
  Object.assign(params, parseMarket(q));
  const shutdown = q.str("InstanceInitiatedShutdownBehavior");
  if (shutdown !== undefined) {
    if (shutdown !== "stop" && shutdown !== "terminate") {
      throw invalidValue("InstanceInitiatedShutdownBehavior", shutdown);
    }
    params.shutdownBehavior = shutdown;
  }
  const disable = q.bool("DisableApiTermination");
  if (disable !== undefined) params.disableApiTermination = disable;
  return params;
}

function parseNetwork(q: Query): Partial<LaunchParams> {
  const subnetId = q.str("SubnetId");
  const groups = q.strings("SecurityGroupId");
  const interfaces = q.list("NetworkInterface");
  if (interfaces.length > 0 && subnetId !== undefined) {
    throw combination(
      "Network interfaces and an instance-level subnet ID may not be specified on the same request",
    );
  }
  if (interfaces.length > 0 && groups.length > 0) {
    throw combination(
      "Network interfaces and an instance-level security groups may not be specified on the same request",
    );
  }
  const nic = interfaces[0];
  if (interfaces.length > 1) {
    throw invalidValue(
      "NetworkInterface",
      String(interfaces.length),
      "The emulator supports one network interface.",
    );
  }
  const result: Partial<LaunchParams> = {};
  const subnet = nic ? nic.str("SubnetId") : subnetId;
  const groupIds = nic ? nic.strings("SecurityGroupId") : groups;
  if (subnet !== undefined) {
    if (!SUBNET.test(subnet)) throw malformed("InvalidSubnetID.Malformed", subnet, "subnet");
    result.subnetId = subnet;
  }
  for (const group of groupIds) {
    if (!GROUP.test(group)) throw malformed("InvalidGroupId.Malformed", group, "sg");
  }
  if (groupIds.length > 0) result.securityGroupIds = groupIds;
  if (nic) {
    const index = nic.int("DeviceIndex");
    if (index === undefined) {
      throw new Ec2ApiError("MissingParameter", "Each network interface requires a device index.");
    }
    if (index !== 0) {
      throw invalidValue(
        "NetworkInterface.1.DeviceIndex",
        String(index),
        "The primary network interface must use device index 0.",
      );
    }
    const publicIp = nic.bool("AssociatePublicIpAddress");
    if (publicIp !== undefined) result.associatePublicIp = publicIp;
  }
  return result;
}

function checkUserData(base64: string): string {
  const compact = base64.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw new Ec2ApiError("InvalidParameterValue", "Invalid BASE64 encoding of user data.");
  }
  if (Buffer.from(compact, "base64").length > 16_384) {
    throw new Ec2ApiError("InvalidParameterValue", "User data is limited to 16384 bytes");
  }
  return compact;
}

function parseMetadataOptions(q: Query): Partial<MetadataOptions> {
  const result: Partial<MetadataOptions> = {};
  const tokens = q.str("HttpTokens");
  if (tokens !== undefined) {
    result.httpTokens = oneOf("MetadataOptions.HttpTokens", tokens, ["required", "optional"] as const);
  }
  const hops = q.int("HttpPutResponseHopLimit");
  if (hops !== undefined) {
    if (hops < 1 || hops > 64) {
      throw invalidValue(
        "MetadataOptions.HttpPutResponseHopLimit",
        String(hops),
        "Valid values are 1 to 64.",
      );
    }
    result.httpPutResponseHopLimit = hops;
  }
  const endpoint = q.str("HttpEndpoint");
  if (endpoint !== undefined) {
    result.httpEndpoint = oneOf("MetadataOptions.HttpEndpoint", endpoint, ["enabled", "disabled"] as const);
  }
  const tags = q.str("InstanceMetadataTags");
  if (tags !== undefined) {
    result.instanceMetadataTags = oneOf("MetadataOptions.InstanceMetadataTags", tags, [
      "enabled",
      "disabled",
    ] as const);
  }
  return result;
}

const VOLUME_TYPES = ["gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"] as const;

function parseBlockDevice(q: Query, i: number): BlockDeviceInput {
  const deviceName = q.required("DeviceName");
  const ebs = q.sub("Ebs");
  const device: BlockDeviceInput = { deviceName };
  if (!ebs) return device;
  const size = ebs.int("VolumeSize");
  if (size !== undefined) {
    if (size < 1 || size > 65_536) {
      throw invalidValue(`BlockDeviceMapping.${i + 1}.Ebs.VolumeSize`, String(size));
    }
    device.volumeSize = size;
  }
  const type = ebs.str("VolumeType");
  if (type !== undefined) device.volumeType = oneOf("VolumeType", type, VOLUME_TYPES);
  const encrypted = ebs.bool("Encrypted");
  if (encrypted !== undefined) device.encrypted = encrypted;
  const iops = ebs.int("Iops");
  if (iops !== undefined) device.iops = iops;
  const throughput = ebs.int("Throughput");
  if (throughput !== undefined) {
    if ((device.volumeType ?? "gp3") !== "gp3") {
      throw combination("Throughput can only be specified for gp3 volumes.");
    }
    device.throughput = throughput;
  }
  const kmsKeyId = ebs.str("KmsKeyId");
  if (kmsKeyId !== undefined) {
    if (device.encrypted !== true) {
      throw combination("The parameter KmsKeyId requires the parameter Encrypted to be set.");
    }
    device.kmsKeyId = kmsKeyId;
  }
  const deleteOnTermination = ebs.bool("DeleteOnTermination");
  if (deleteOnTermination !== undefined) device.deleteOnTermination = deleteOnTermination;
  return device;
}

function parseMarket(q: Query): Partial<LaunchParams> {
  const market = q.sub("InstanceMarketOptions");
  if (!market) return {};
  const type = oneOf("InstanceMarketOptions.MarketType", market.str("MarketType") ?? "on-demand", [
    "spot",
    "on-demand",
  ] as const);
  if (type === "on-demand") return { market: "on-demand" };
  const spotType = market.str("SpotOptions.SpotInstanceType") ?? "one-time";
  const behavior = market.str("SpotOptions.InstanceInterruptionBehavior") ?? "terminate";
  oneOf("SpotInstanceType", spotType, ["one-time", "persistent"]);
  oneOf("InstanceInterruptionBehavior", behavior, ["terminate", "stop", "hibernate"]);
  // Persistent requests only with stop/hibernate, and one-time only with terminate (api-facts §3.1).
  if ((spotType === "persistent") === (behavior === "terminate")) {
    throw combination(
      `The interruption behavior '${behavior}' is not supported for ${spotType} Spot Instance requests.`,
    );
  }
  return { market: "spot" };
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw invalidValue(name, value);
  return value as T;
}
