import type { Fleet, ManagedInstance } from "../aws/fleet.js";

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
  fleet: Fleet;
  windowMs?: number;
  maxBatch?: number;
  listingMaxAgeMs?: number;
  busyChecks?: number;
  now?: () => number;
}): InstanceLookup {
  const windowMs = options.windowMs ?? 25;
  const maxBatch = options.maxBatch ?? 500;
  const listingMaxAgeMs = options.listingMaxAgeMs ?? 5_000;
  const busyChecks = options.busyChecks ?? 20;
  const now = options.now ?? Date.now;
  let pending = new Map<string, Array<(result: ManagedInstance | undefined | Error) => void>>();
  let timer: NodeJS.Timeout | undefined;
  let listing: { at: number; running: Map<string, ManagedInstance> } | undefined;
  let listingInFlight: Promise<Map<string, ManagedInstance>> | undefined;
  const recentChecks: number[] = [];

  const flush = async () => {
    timer = undefined;
    const batch = pending;
    pending = new Map();
    try {
      const found = await options.fleet.describe([...batch.keys()]);
      const byId = new Map(found.map((i) => [i.instanceId, i]));
      for (const [id, waiters] of batch) for (const w of waiters) w(byId.get(id));
    } catch (error) {
      for (const waiters of batch.values()) for (const w of waiters) w(error as Error);
    }
  };

  const byId = (instanceId: string): Promise<ManagedInstance | undefined> =>
    new Promise((resolve, reject) => {
      const waiters = pending.get(instanceId) ?? [];
      waiters.push((r) => (r instanceof Error ? reject(r) : resolve(r)));
      pending.set(instanceId, waiters);
      if (pending.size >= maxBatch) {
        if (timer) clearTimeout(timer);
        void flush();
      } else {
        timer ??= setTimeout(() => void flush(), windowMs);
      }
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
    /** The instance if it exists and is this deployment's; undefined otherwise. */
    async get(instanceId: string): Promise<ManagedInstance | undefined> {
      if (busy()) {
        const listed = (await running()).get(instanceId);
        if (listed) return listed;
      }
      return byId(instanceId);
    },
    fresh: byId,
  };
}
