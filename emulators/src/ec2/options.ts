import type { ImageInput } from "./images.js";
import type { Market, MetadataOptions, ShutdownBehavior } from "./model.js";

export interface BucketConfig {
  capacity: number;
  refillPerSecond: number;
}

/**
 * Token buckets per account and Region, as AWS documents them.
 * https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html (reference/api-facts.md §3.6)
 */
export interface ThrottlingConfig {
  runInstances: BucketConfig;
  /** Instances launched. */
  runInstancesResource: BucketConfig;
  terminateInstances: BucketConfig;
  /** Instances terminated. */
  terminateInstancesResource: BucketConfig;
  /** Filtered or paginated Describe* calls. */
  describe: BucketConfig;
  /** DescribeInstances / DescribeVolumes with no filter, no ids and no MaxResults. */
  describeUnfiltered: BucketConfig;
  createTags: BucketConfig;
  startInstances: BucketConfig;
  /** Instances started. */
  startInstancesResource: BucketConfig;
  /** Instances stopped (its request bucket is the mutating one). */
  stopInstancesResource: BucketConfig;
  /** Other mutating actions (CreateFleet is not listed separately, so it falls here). */
  mutating: BucketConfig;
}

export const DEFAULT_THROTTLING: ThrottlingConfig = {
  runInstances: { capacity: 5, refillPerSecond: 2 },
  runInstancesResource: { capacity: 1000, refillPerSecond: 2 },
  terminateInstances: { capacity: 100, refillPerSecond: 5 },
  terminateInstancesResource: { capacity: 1000, refillPerSecond: 20 },
  describe: { capacity: 100, refillPerSecond: 20 },
  describeUnfiltered: { capacity: 50, refillPerSecond: 10 },
  createTags: { capacity: 100, refillPerSecond: 10 },
  startInstances: { capacity: 5, refillPerSecond: 2 },
  startInstancesResource: { capacity: 1000, refillPerSecond: 2 },
  stopInstancesResource: { capacity: 1000, refillPerSecond: 20 },
  mutating: { capacity: 50, refillPerSecond: 5 },
};

/** At most `limit` live (pending or running) instances matching the given fields; omitted fields match all. */
export interface CapacityRule {
  instanceType?: string;
  availabilityZone?: string;
  market?: Market;
  /** `Infinity` removes the limit. */
  limit: number;
}

/** The next `count` calls of `action` ("*" for any) fail with this EC2 error. */
export interface Ec2Fault {
  action: string;
  code: string;
  /** Defaults to the status EC2 uses for the code (500/503 for server errors, else 400). */
  status?: number;
  count: number;
  message?: string;
}

/** Launch-template data in the emulator's own terms (the same fields RunInstances takes). */
export interface LaunchTemplateDataInput {
  imageId?: string;
  instanceType?: string;
  subnetId?: string;
  securityGroupIds?: string[];
  associatePublicIp?: boolean;
  iamInstanceProfile?: { name?: string; arn?: string };
  /** Base64, as EC2 takes it. */
  userData?: string;
  metadataOptions?: Partial<MetadataOptions>;
  blockDevices?: BlockDeviceInput[];
  instanceTags?: Record<string, string>;
  volumeTags?: Record<string, string>;
  market?: Market;
  shutdownBehavior?: ShutdownBehavior;
  disableApiTermination?: boolean;
}

export interface BlockDeviceInput {
  deviceName: string;
  volumeSize?: number;
  volumeType?: string;
  encrypted?: boolean;
  iops?: number;
  throughput?: number;
  kmsKeyId?: string;
  deleteOnTermination?: boolean;
}

export interface LaunchTemplateInput {
  name: string;
  id?: string;
  data: LaunchTemplateDataInput;
}

export interface Ec2EmulatorOptions {
  host?: string;
  port?: number;
  region?: string;
  accountId?: string;
  /** pending → running after RunInstances / CreateFleet (a cold boot). */
  bootDelayMs?: number;
  /** pending → running after StartInstances (a stopped instance: no image fetch, a warmed disk). */
  startDelayMs?: number;
  /** shutting-down → terminated and stopping → stopped. */
  shutdownDelayMs?: number;
  /** How long terminated instances stay visible (default 1 h, as on EC2). */
  terminatedRetentionMs?: number;
  /** Subnet id → AZ. If omitted, any well-formed subnet-… is accepted with a deterministic AZ. */
  subnets?: Record<string, string>;
  /** If set, only these AMI ids exist (others → InvalidAMIID.NotFound); each an available x86_64 image. */
  amis?: string[];
  /** AMIs with their architecture and state (DescribeImages); with `amis`, the only images that exist. */
  images?: ImageInput[];
  /** SSM parameter path → AMI id for `resolve:ssm:`; if omitted any path resolves to a deterministic AMI. */
  ssmParameters?: Record<string, string>;
  capacity?: CapacityRule[];
  /** Spot price per hour by "type" or "type/zone" (CreateFleet's price-based allocation); others are derived. */
  spotPrices?: Record<string, number>;
  throttling?: false | Partial<ThrottlingConfig>;
  latencyMs?: number | Partial<Record<string, number>>;
  launchTemplates?: LaunchTemplateInput[];
  /** EC2's eventual consistency for tags: a CreateTags write shows in DescribeInstances this much later (0). */
  tagVisibilityDelayMs?: number;
  /** Epoch-ms clock for launch times, tokens and buckets (timers still run on real time). */
  now?: () => number;
  /** Draws for rate-based spot interruptions (default Math.random); a seeded one repeats a run's draws. */
  interruptionRandom?: () => number;
}

export interface ResolvedOptions {
  region: string;
  accountId: string;
  bootDelayMs: number;
  startDelayMs: number;
  shutdownDelayMs: number;
  terminatedRetentionMs: number;
  subnets?: Record<string, string>;
  amis?: ReadonlySet<string>;
  ssmParameters?: Record<string, string>;
  spotPrices?: Record<string, number>;
  tagVisibilityDelayMs: number;
  now: () => number;
}

export function resolveOptions(options: Ec2EmulatorOptions): ResolvedOptions {
  return {
    region: options.region ?? "us-east-1",
    accountId: options.accountId ?? "123456789012",
    bootDelayMs: options.bootDelayMs ?? 500,
    startDelayMs: options.startDelayMs ?? options.bootDelayMs ?? 500,
    shutdownDelayMs: options.shutdownDelayMs ?? 200,
    terminatedRetentionMs: options.terminatedRetentionMs ?? 3_600_000,
    ...(options.subnets ? { subnets: options.subnets } : {}),
    // Launches find only available images; DescribeImages also shows the others (src/ec2/images.ts).
    ...(options.amis || options.images
      ? {
          amis: new Set([
            ...(options.amis ?? []),
            ...(options.images ?? [])
              .filter((i) => (i.state ?? "available") === "available")
              .map((i) => i.imageId),
          ]),
        }
      : {}),
    ...(options.ssmParameters ? { ssmParameters: options.ssmParameters } : {}),
    ...(options.spotPrices ? { spotPrices: options.spotPrices } : {}),
    tagVisibilityDelayMs: options.tagVisibilityDelayMs ?? 0,
    now: options.now ?? Date.now,
  };
}
