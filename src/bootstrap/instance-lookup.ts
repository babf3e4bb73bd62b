import type { Fleet, ManagedInstance } from "../aws/fleet.js";

/**
 * Coalesces the bootstrap route's instance checks: requests arriving within `windowMs` share one
 * DescribeInstances call, so a burst of 1,000 booting instances costs a handful of EC2 calls, not 1,000.
 */
export function createInstanceLookup(options: { fleet: Fleet; windowMs?: number; maxBatch?: number }) {
  const windowMs = options.windowMs ?? 25;
  const maxBatch = options.maxBatch ?? 500;
  let pending = new Map<string, Array<(result: ManagedInstance | undefined | Error) => void>>();
  let timer: NodeJS.Timeout | undefined;

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

  return {
    /** The instance if it exists and is this deployment's; undefined otherwise. */
    get(instanceId: string): Promise<ManagedInstance | undefined> {
      return new Promise((resolve, reject) => {
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
    },
  };
}
export type InstanceLookup = ReturnType<typeof createInstanceLookup>;
