import type { Fleet, ManagedInstance } from "../aws/fleet.js";

/**
 * Coalesces the bootstrap route's instance checks: requests arriving within `windowMs` share one
 * DescribeInstances call, so a burst of 1,000 booting instances costs a handful of EC2 calls, not 1,000.
 * An instance seen running is remembered for `runningTtlMs`: an instance whose config waits for GitHub's
 * budget asks again every 30 s (its attempt timeout), and its tags cannot change. The cost is that an
 * instance terminated within that time still passes this check; it could only use its own one-time token
 * and identity document, and its runner would be removed by the sweep.
 */
export function createInstanceLookup(options: {
  fleet: Fleet;
  windowMs?: number;
  maxBatch?: number;
  runningTtlMs?: number;
  now?: () => number;
}) {
  const windowMs = options.windowMs ?? 25;
  const maxBatch = options.maxBatch ?? 500;
  const runningTtlMs = options.runningTtlMs ?? 30_000;
  const now = options.now ?? Date.now;
  const running = new Map<string, { instance: ManagedInstance; at: number }>();
  const remember = (instance: ManagedInstance) => {
    if (instance.state !== "running" || runningTtlMs <= 0) return;
    running.delete(instance.instanceId);
    running.set(instance.instanceId, { instance, at: now() });
    if (running.size > 20_000) running.delete(running.keys().next().value as string);
  };
  let pending = new Map<string, Array<(result: ManagedInstance | undefined | Error) => void>>();
  let timer: NodeJS.Timeout | undefined;

  const flush = async () => {
    timer = undefined;
    const batch = pending;
    pending = new Map();
    try {
      const found = await options.fleet.describe([...batch.keys()]);
      const byId = new Map(found.map((i) => [i.instanceId, i]));
      for (const instance of found) remember(instance);
      for (const [id, waiters] of batch) for (const w of waiters) w(byId.get(id));
    } catch (error) {
      for (const waiters of batch.values()) for (const w of waiters) w(error as Error);
    }
  };

  return {
    /** The instance if it exists and is this deployment's; undefined otherwise. */
    get(instanceId: string): Promise<ManagedInstance | undefined> {
      const seen = running.get(instanceId);
      if (seen && now() - seen.at < runningTtlMs) return Promise.resolve(seen.instance);
      running.delete(instanceId);
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
