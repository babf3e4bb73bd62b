import type { Fleet, ManagedInstance } from "../aws/fleet.js";
import { Batcher } from "../time/batcher.js";
import type { Timers } from "../time/timers.js";

/** A check waiting for the batched DescribeInstances call. */
interface Check {
  instanceId: string;
  found(instance: ManagedInstance | undefined): void;
}

/** What enrolment asks of EC2 about one instance (narrow, defined where used). */
export interface InstanceLookup {
  /** The instance if it exists and is this deployment's; may be up to `listingMaxAgeMs` old. */
  get(instanceId: string): Promise<ManagedInstance | undefined>;
  /** The same, asked of EC2 now (batched with other checks in the same few ms, never the listing). */
  fresh(instanceId: string): Promise<ManagedInstance | undefined>;
}

/**
 * The bootstrap route's instance checks, at a bounded number of EC2 calls:
 * - checks arriving within `windowMs` share one DescribeInstances call by id, so the first boots of a
 *   burst cost a handful of calls, not one each;
 * - while checks keep coming (more than `busyChecks` within `listingMaxAgeMs`: a burst whose instances
 *   wait for GitHub's write budget ask again every 30 s), one listing of the deployment's running
 *   instances serves every check for `listingMaxAgeMs`. An instance missing from it is asked by id.
 * The listing may be stale: an instance that stopped running within `listingMaxAgeMs` still passes
 * `get`. Enrolment therefore asks `fresh` once more after GitHub issued the config and before answering
 * (finding 6 of issue 10), and trusts the listing only for tags that never change after launch.
 */
export function createInstanceLookup(options: {
  fleet: Pick<Fleet, "describe" | "list">;
  windowMs?: number;
  maxBatch?: number;
  listingMaxAgeMs?: number;
  busyChecks?: number;
  now?: () => number;
  /** The batching window's timers (default: the real clock). */
  timers?: Timers;
}): InstanceLookup {
  const listingMaxAgeMs = options.listingMaxAgeMs ?? 5_000;
  const busyChecks = options.busyChecks ?? 20;
  const now = options.now ?? Date.now;
  let listing: { at: number; running: Map<string, ManagedInstance> } | undefined;
  let listingInFlight: Promise<Map<string, ManagedInstance>> | undefined;
  const recentChecks: number[] = [];

  const checks = new Batcher<Check>({
    maxSize: options.maxBatch ?? 500,
    windowMs: options.windowMs ?? 25,
    timers: options.timers,
    async send(batch) {
      const found = await options.fleet.describe([...new Set(batch.map((c) => c.instanceId))]);
      const byId = new Map(found.map((i) => [i.instanceId, i]));
      for (const check of batch) check.found(byId.get(check.instanceId));
    },
  });

  const byId = (instanceId: string): Promise<ManagedInstance | undefined> =>
    new Promise((resolve, reject) => {
      checks.add({ instanceId, found: resolve }).catch(reject);
    });

  /** Whether more than `busyChecks` checks came within the listing's lifetime (this one included). */
  const busy = (): boolean => {
    const at = now();
    recentChecks.push(at);
    while (recentChecks.length > 0 && at - recentChecks[0]! > listingMaxAgeMs) recentChecks.shift();
    return recentChecks.length > busyChecks;
  };

  const running = async (): Promise<Map<string, ManagedInstance>> => {
    if (listing && now() - listing.at <= listingMaxAgeMs) return listing.running;
    listingInFlight ??= (async () => {
      const at = now();
      const instances = await options.fleet.list({ states: ["running"] });
      listing = { at, running: new Map(instances.map((i) => [i.instanceId, i])) };
      return listing.running;
    })().finally(() => {
      listingInFlight = undefined;
    });
    return listingInFlight;
  };

  return {
    async get(instanceId) {
      if (busy()) {
        const listed = (await running()).get(instanceId);
        if (listed) return listed;
      }
      return byId(instanceId);
    },
    fresh: byId,
  };
}
