import { TokenBucket } from "../support/token-bucket.js";
import { throttled } from "./api-error.js";
import { type BucketConfig, DEFAULT_THROTTLING, type ThrottlingConfig } from "./options.js";
import type { Query } from "./query.js";

type BucketName = keyof ThrottlingConfig;

const REQUEST_BUCKET: Record<string, BucketName> = {
  RunInstances: "runInstances",
  TerminateInstances: "terminateInstances",
  CreateTags: "createTags",
  DeleteTags: "createTags",
  StartInstances: "startInstances",
  // StopInstances and ModifyInstanceAttribute are not listed by AWS: the mutating category.
  StopInstances: "mutating",
  ModifyInstanceAttribute: "mutating",
  DescribeInstanceAttribute: "describe",
  DescribeImages: "describe",
  CreateFleet: "mutating",
  CreateLaunchTemplate: "mutating",
};

/**
 * EC2's request and resource token buckets (reference/limits-and-identity.md §3). Exceeding either
 * answers RequestLimitExceeded; a throttled call still spends its request token, as on EC2.
 */
export class Throttler {
  #buckets: Map<BucketName, TokenBucket> | undefined;
  readonly #now: () => number;

  constructor(config: false | Partial<ThrottlingConfig> | undefined, now: () => number) {
    this.#now = now;
    this.configure(config ?? {});
  }

  /** Replaces the configuration with fresh, full buckets; `false` turns throttling off. */
  configure(config: false | Partial<ThrottlingConfig>): void {
    if (config === false) {
      this.#buckets = undefined;
      return;
    }
    const merged: ThrottlingConfig = { ...DEFAULT_THROTTLING, ...config };
    this.#buckets = new Map(
      (Object.entries(merged) as [BucketName, BucketConfig][]).map(([name, c]) => [
        name,
        new TokenBucket({ capacity: c.capacity, refillPerSecond: c.refillPerSecond, now: this.#now }),
      ]),
    );
  }

  /** Takes the request token for one call, or throws RequestLimitExceeded. */
  request(action: string, query: Query): void {
    const name = REQUEST_BUCKET[action] ?? describeBucket(action, query);
    if (name) this.#take(name, 1);
  }

  /** Takes `count` resource tokens (instances launched, started, stopped or terminated), or throws RequestLimitExceeded. */
  resource(
    name:
      | "runInstancesResource"
      | "terminateInstancesResource"
      | "startInstancesResource"
      | "stopInstancesResource",
    count: number,
  ): void {
    if (count > 0) this.#take(name, count);
  }

  #take(name: BucketName, cost: number): void {
    const bucket = this.#buckets?.get(name);
    if (bucket && !bucket.tryTake(cost)) throw throttled();
  }
}

function describeBucket(action: string, query: Query): BucketName | undefined {
  if (action !== "DescribeInstances" && action !== "DescribeVolumes") return undefined;
  const idParam = action === "DescribeInstances" ? "InstanceId" : "VolumeId";
  const unfiltered = !query.has("Filter") && !query.has(idParam) && !query.has("MaxResults");
  return unfiltered ? "describeUnfiltered" : "describe";
}
