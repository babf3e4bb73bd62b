import { Ec2ApiError, missing } from "./api-error.js";
import { defaultAmiFor, defaultSubnet, defaultZoneOf, hashOf } from "./ids.js";
import type { LaunchParams } from "./launch-params.js";
import type { Market, MetadataOptions, ShutdownBehavior } from "./model.js";
import type { BlockDeviceInput, ResolvedOptions } from "./options.js";

/** A launch with every default applied and every reference checked. */
export interface ResolvedLaunch {
  imageId: string;
  instanceType: string;
  subnetId: string;
  availabilityZone: string;
  /** True when the request named a subnet: ClientToken scope is then the AZ, else the Region. */
  zonal: boolean;
  securityGroupIds: string[];
  publicIp: boolean;
  iamInstanceProfile?: { arn: string; id: string };
  userDataBase64?: string;
  metadataOptions: MetadataOptions;
  blockDevices: BlockDeviceInput[];
  instanceTags: Record<string, string>;
  volumeTags: Record<string, string>;
  market: Market;
  shutdownBehavior: ShutdownBehavior;
  disableApiTermination: boolean;
}

/**
 * Defaults as EC2 documents them when a field is left out: instance type m1.small, shutdown behaviour
 * stop, IMDS tokens optional with hop limit 1 (for an AMI without ImdsSupport v2.0), an 8 GiB root volume.
 */
const DEFAULT_METADATA: MetadataOptions = {
  httpTokens: "optional",
  httpPutResponseHopLimit: 1,
  httpEndpoint: "enabled",
  instanceMetadataTags: "disabled",
};

export function resolveLaunch(params: LaunchParams, options: ResolvedOptions): ResolvedLaunch {
  if (params.imageId === undefined) throw missing("ImageId");
  const network = resolveSubnet(params.subnetId, options);
  const instanceType = params.instanceType ?? "m1.small";
  return {
    imageId: resolveImage(params.imageId, options),
    instanceType,
    ...network,
    securityGroupIds: params.securityGroupIds ?? [
      `sg-${hashOf(`default-sg:${options.region}`).toString("hex").slice(0, 17)}`,
    ],
    publicIp: params.associatePublicIp === true,
    ...(params.iamInstanceProfile
      ? { iamInstanceProfile: resolveProfile(params.iamInstanceProfile, options) }
      : {}),
    ...(params.userData !== undefined ? { userDataBase64: params.userData } : {}),
    metadataOptions: { ...DEFAULT_METADATA, ...params.metadataOptions },
    blockDevices: withRootDevice(params.blockDevices ?? []),
    instanceTags: params.instanceTags ?? {},
    volumeTags: params.volumeTags ?? {},
    market: params.market ?? "on-demand",
    shutdownBehavior: params.shutdownBehavior ?? "stop",
    disableApiTermination: params.disableApiTermination ?? false,
  };
}

function resolveImage(imageId: string, options: ResolvedOptions): string {
  let ami = imageId;
  if (imageId.startsWith("resolve:ssm:")) {
    const path = imageId.slice("resolve:ssm:".length);
    const resolved = options.ssmParameters ? options.ssmParameters[path] : defaultAmiFor(path);
    if (!resolved) {
      throw new Ec2ApiError(
        "InvalidParameterValue",
        `The SSM parameter ${path} referenced by ImageId does not exist.`,
      );
    }
    ami = resolved;
  }
  if (options.amis && !options.amis.has(ami)) {
    throw new Ec2ApiError("InvalidAMIID.NotFound", `The image id '[${ami}]' does not exist`);
  }
  return ami;
}

function resolveSubnet(subnetId: string | undefined, options: ResolvedOptions) {
  if (subnetId === undefined) return { ...defaultSubnet(options.region), zonal: false };
  const zone = options.subnets ? options.subnets[subnetId] : defaultZoneOf(subnetId, options.region);
  if (!zone) throw new Ec2ApiError("InvalidSubnetID.NotFound", `The subnet ID '${subnetId}' does not exist`);
  return { subnetId, availabilityZone: zone, zonal: true };
}

function resolveProfile(profile: { name?: string; arn?: string }, options: ResolvedOptions) {
  const arn = profile.arn ?? `arn:aws:iam::${options.accountId}:instance-profile/${profile.name ?? ""}`;
  if (!/^arn:aws[\w-]*:iam::\d{12}:instance-profile\/[\w+=,.@/-]+$/.test(arn)) {
    throw new Ec2ApiError(
      "InvalidParameterValue",
      `Value (${profile.arn ?? profile.name ?? ""}) for parameter iamInstanceProfile is invalid.`,
    );
  }
  return { arn, id: `AIPA${hashOf(arn).toString("hex").slice(0, 17).toUpperCase()}` };
}

function withRootDevice(devices: readonly BlockDeviceInput[]): BlockDeviceInput[] {
  const root = "/dev/xvda";
  const rest = devices.filter((d) => d.deviceName !== root);
  const given = devices.find((d) => d.deviceName === root);
  return [
    {
      volumeSize: 8,
      volumeType: "gp3",
      encrypted: false,
      deleteOnTermination: true,
      ...given,
      deviceName: root,
    },
    ...rest,
  ];
}
