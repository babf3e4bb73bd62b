import type { Fleet, ManagedInstance } from "../aws/fleet.js";
import { runnerNameOf } from "../domain/runner-name.js";
import { TAG } from "../domain/tags.js";
import type { GitHubRunner, OrgRef, Runners } from "../github/runners.js";
import type { Pool } from "../pool-file.js";

/**
 * How full each pool is, from EC2 tags (DESIGN.md "State": truth lives in EC2 and GitHub). One
 * DescribeInstances serves every check for `ttlMs` (1 s while a pool is at its cap, so freed capacity is
 * seen quickly); launches made here since that snapshot, and launches in flight (reservations), are
 * counted on top so a burst cannot overshoot a pool's max in one replica.
 */
const LISTING_GRACE_MS = 3_000;
const AT_CAP_TTL_MS = 1_000;
const LIVE_STATES = new Set(["pending", "running"]);

export function createInventory(options: {
  fleet: Fleet;
  runners: Runners;
  runnerPrefix: string;
  ttlMs?: number;
  runnerTtlMs?: number;
  now?: () => number;
}) {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 5_000;
  const runnerTtlMs = options.runnerTtlMs ?? 10_000;
  let snapshot: { at: number; instances: ManagedInstance[] } | undefined;
  let refreshing: Promise<void> | undefined;
  const reserved = new Map<string, number>();
  /** instance id → [pool, launchedAt] for launches not yet seen in a snapshot. */
  const recent = new Map<string, { pool: string; at: number }>();
  const runnerCache = new Map<string, { at: number; runners: Promise<GitHubRunner[]> }>();

  async function fresh(maxAgeMs = ttlMs): Promise<ManagedInstance[]> {
    if (!snapshot || now() - snapshot.at > maxAgeMs) {
      refreshing ??= (async () => {
        const startedAt = now();
        // Shutting-down instances are listed too, so a launch that already ended stops counting at once.
        const listed = await options.fleet.list({
          states: ["pending", "running", "shutting-down", "stopping"],
        });
        snapshot = { at: startedAt, instances: listed.filter((i) => LIVE_STATES.has(i.state)) };
        const seen = new Set(listed.map((i) => i.instanceId));
        // A launch stops counting once a snapshot shows it, or once a snapshot taken well after it does not
        // (it already ended); the grace covers DescribeInstances' eventual consistency after RunInstances.
        for (const [id, r] of recent)
          if (seen.has(id) || startedAt - r.at > LISTING_GRACE_MS) recent.delete(id);
      })().finally(() => {
        refreshing = undefined;
      });
      await refreshing;
    }
    return snapshot?.instances ?? [];
  }

  function inPool(instances: ManagedInstance[], pool: string): ManagedInstance[] {
    return instances.filter((i) => i.tags[TAG.pool] === pool);
  }

  function liveCount(instances: ManagedInstance[], pool: string): number {
    const listed = inPool(instances, pool);
    const listedIds = new Set(listed.map((i) => i.instanceId));
    const extra = [...recent].filter(([id, r]) => r.pool === pool && !listedIds.has(id)).length;
    return listed.length + extra + (reserved.get(pool) ?? 0);
  }

  return {
    /** Instances of the pool that exist or are being launched. */
    async live(pool: Pool): Promise<number> {
      return liveCount(await fresh(), pool.name);
    },

    /** Reserves one slot if the pool is under its max; returns the release function, or undefined at the cap. */
    async tryReserve(pool: Pool): Promise<(() => void) | undefined> {
      let instances = await fresh();
      if (liveCount(instances, pool.name) >= pool.maxRunners) instances = await fresh(AT_CAP_TTL_MS);
      if (liveCount(instances, pool.name) >= pool.maxRunners) return undefined;
      reserved.set(pool.name, (reserved.get(pool.name) ?? 0) + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        reserved.set(pool.name, Math.max(0, (reserved.get(pool.name) ?? 1) - 1));
      };
    },

    /** Records instances launched here so they count before the next snapshot shows them. */
    noteLaunched(pool: Pool, instanceIds: readonly string[]): void {
      for (const id of instanceIds) recent.set(id, { pool: pool.name, at: now() });
    },

    /**
     * Instances of the pool that could still take a waiting job: booting (no runner yet) or idle (runner
     * not busy). Used only when a job has waited long (DESIGN.md "No job waits forever").
     */
    async spare(pool: Pool, ref: OrgRef): Promise<number> {
      // The slow path (a job that waited): worth a fresher look than the launch path's.
      const instances = inPool(await fresh(AT_CAP_TTL_MS), pool.name).filter(
        (i) => i.tags[TAG.org] === ref.org,
      );
      const runners = await cachedRunners(ref);
      const busy = new Set(runners.filter((r) => r.busy).map((r) => r.name));
      const listed = new Set(instances.map((i) => i.instanceId));
      const booting = [...recent].filter(([id, r]) => r.pool === pool.name && !listed.has(id)).length;
      const idleOrBooting = instances.filter(
        (i) => !busy.has(runnerNameOf(options.runnerPrefix, i.instanceId)),
      ).length;
      return idleOrBooting + booting;
    },
  };

  function cachedRunners(ref: OrgRef): Promise<GitHubRunner[]> {
    const hit = runnerCache.get(ref.org);
    if (hit && now() - hit.at < runnerTtlMs) return hit.runners;
    const runners = options.runners.list(ref, options.runnerPrefix);
    runnerCache.set(ref.org, { at: now(), runners });
    runners.catch(() => runnerCache.delete(ref.org));
    return runners;
  }
}
export type Inventory = ReturnType<typeof createInventory>;
