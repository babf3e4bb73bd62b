/**
 * The emulator's view of instances and volumes. `EmulatedInstance` is what the programmatic API hands
 * out (a copy); the emulator mutates its own records only.
 */

/** State codes as EC2 returns them (API reference, InstanceState). */
export const STATE_CODE = {
  pending: 0,
  running: 16,
  "shutting-down": 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
} as const;

export type InstanceStateName = keyof typeof STATE_CODE;
export type Market = "spot" | "on-demand";
export type ShutdownBehavior = "stop" | "terminate";

export interface MetadataOptions {
  httpTokens: "required" | "optional";
  httpPutResponseHopLimit: number;
  httpEndpoint: "enabled" | "disabled";
  instanceMetadataTags: "enabled" | "disabled";
}

export interface StateReason {
  code: string;
  message: string;
}

export interface EmulatedVolume {
  volumeId: string;
  /** Set while attached. */
  instanceId?: string;
  deviceName: string;
  sizeGiB: number;
  volumeType: string;
  iops?: number;
  throughput?: number;
  encrypted: boolean;
  kmsKeyId?: string;
  deleteOnTermination: boolean;
  availabilityZone: string;
  state: "in-use" | "available";
  /** Epoch ms. */
  createTime: number;
  tags: Record<string, string>;
}

export interface EmulatedInstance {
  instanceId: string;
  reservationId: string;
  imageId: string;
  instanceType: string;
  architecture: "x86_64" | "arm64";
  availabilityZone: string;
  subnetId: string;
  vpcId: string;
  privateIp: string;
  /** Only when a public address was associated at launch. */
  publicIp?: string;
  securityGroupIds: string[];
  iamInstanceProfile?: { arn: string; id: string };
  market: Market;
  spotInstanceRequestId?: string;
  state: InstanceStateName;
  stateReason?: StateReason;
  stateTransitionReason: string;
  /** Epoch ms. */
  launchTime: number;
  tags: Record<string, string>;
  /** User data decoded as UTF-8 text, and as sent (base64). */
  userData?: string;
  userDataBase64?: string;
  metadataOptions: MetadataOptions;
  volumes: EmulatedVolume[];
  shutdownBehavior: ShutdownBehavior;
  disableApiTermination: boolean;
  clientToken: string;
  launchTemplate?: { id: string; name: string; version: string };
  fleetId?: string;
  /** The exact identity-document bytes IMDS serves (generated at launch and at every start, as on EC2). */
  identityDocument: string;
  /** Set by a spot interruption warning: IMDS `spot/instance-action` serves it. */
  spotInstanceAction?: { action: "terminate" | "stop" | "hibernate"; time: string };
  /** Set by a rebalance recommendation: IMDS `events/recommendations/rebalance` serves it. */
  rebalanceNoticeTime?: string;
}

/** The emulator's mutable record: the public shape plus bookkeeping. */
export interface InstanceRecord extends EmulatedInstance {
  /** Launch order, for stable pagination. */
  seq: number;
  terminatedAt?: number;
}

export function snapshotInstance(record: InstanceRecord): EmulatedInstance {
  const { seq: _seq, terminatedAt: _terminatedAt, ...rest } = record;
  return {
    ...rest,
    tags: { ...record.tags },
    securityGroupIds: [...record.securityGroupIds],
    metadataOptions: { ...record.metadataOptions },
    volumes: record.volumes.map((v) => ({ ...v, tags: { ...v.tags } })),
    ...(record.spotInstanceAction ? { spotInstanceAction: { ...record.spotInstanceAction } } : {}),
  };
}

export function isLive(instance: { state: InstanceStateName }): boolean {
  return instance.state === "pending" || instance.state === "running";
}

/**
 * Graviton families carry a "g" in the suffix after the generation digit (t4g, c7gn, m6gd, g5g, is4gen);
 * x86 suffixes (i, a, d, n, e, z, flex) never do.
 */
export function architectureOf(instanceType: string): "x86_64" | "arm64" {
  const family = instanceType.split(".")[0] ?? "";
  const suffix = /^[a-z]+\d+([a-z-]*)$/.exec(family)?.[1] ?? "";
  return suffix.includes("g") ? "arm64" : "x86_64";
}
