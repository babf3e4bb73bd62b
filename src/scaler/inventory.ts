import type { Fleet, ManagedInstance } from "../aws/fleet.js";
import { jobsOf } from "../domain/job-tags.js";
import { runnerNameOf } from "../domain/runner-name.js";
import { TAG } from "../domain/tags.js";
import type { GitHubRunner, OrgRef, Runners } from "../github/runners.js";
import type { Pool } from "../pool-file.js";

/**
 * How full each pool is and how often each job was launched, from EC2 tags (DESIGN.md "State": truth
 * lives in EC2 and GitHub; ADR 0006). One DescribeInstances serves every check for `ttlMs` (1 s while a
 * pool is at its cap, so freed capacity is seen quickly). It lists terminated instances too, which EC2
 * shows for about an hour, so a job's earlier launches count after their instances are gone. Launches
 * made here since that snapshot, and launches in flight (reservations), are counted on top: a cache of
 * what EC2 will show within seconds, so a burst cannot overshoot a pool's max in one replica.
 */
const LISTING_GRACE_MS = 3_000;
const AT_CAP_TTL_MS = 1_000;
const LIVE_STATES = new Set(["pending", "running"]);

/** One instance this process launched, until a snapshot shows it. */
export interface NotedLaunch {
  instanceId: string;
  /** The batch's `mayfly:launch` id. */
  launch: string;
  jobId: number;
}

interface Snapshot {
  at: number;
  /** Pending or running. */
  live: ManagedInstance[];
  /** job id → launch ids among every listed instance, terminated ones included. */
  launchesByJob: Map<number, Set<string>>;
  /** job id → its live instances that have not enrolled yet (no `mayfly:enrolled` tag): waiting for a config. */
  awaitingByJob: Map<number, number>;
}

export function createInventory(options: {
  fleet: Pick<Fleet, "list">;
  runners: Pick<Runners, "list">;
  runnerPrefix: string;
  ttlMs?: number;
  runnerTtlMs?: number;
  now: () => number;
}) {
  const { now } = options;
  const ttlMs = options.ttlMs ?? 5_000;
  const runnerTtlMs = options.runnerTtlMs ?? 10_000;
  let snapshot: Snapshot | undefined;
  let refreshing: Promise<void> | undefined;
  const reserved = new Map<string, number>();
  const recent = new Map<string, NotedLaunch & { pool: string; at: number }>();
  const runnerCache = new Map<string, { at: number; runners: Promise<GitHubRunner[]> }>();

  async function fresh(maxAgeMs = ttlMs): Promise<Snapshot | undefined> {
    if (!snapshot || now() - snapshot.at > maxAgeMs) {
      refreshing ??= (async () => {
        const startedAt = now();
        // Shutting-down instances are listed too, so a launch that already ended stops counting at once.
        const listed = await options.fleet.list({
          states: ["pending", "running", "shutting-down", "stopping", "terminated"],
        });
        const launchesByJob = new Map<number, Set<string>>();
        const awaitingByJob = new Map<number, number>();
        for (const i of listed) {
          const launch = i.tags[TAG.launch];
          if (launch === undefined) continue;
          const awaiting = LIVE_STATES.has(i.state) && i.tags[TAG.enrolled] === undefined;
          for (const job of jobsOf(i.tags)) {
            launchesByJob.set(job, (launchesByJob.get(job) ?? new Set()).add(launch));
            if (awaiting) awaitingByJob.set(job, (awaitingByJob.get(job) ?? 0) + 1);
          }
        }
        snapshot = {
          at: startedAt,
          live: listed.filter((i) => LIVE_STATES.has(i.state)),
          launchesByJob,
          awaitingByJob,
        };
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
    return snapshot;
  }

  const inPool = (pool: string) => (snapshot?.live ?? []).filter((i) => i.tags[TAG.pool] === pool);
  const unlisted = (pool: string) => {
    const listed = new Set(inPool(pool).map((i) => i.instanceId));
    return [...recent.values()].filter((r) => r.pool === pool && !listed.has(r.instanceId));
  };
  const liveCount = (pool: string) => inPool(pool).length + unlisted(pool).length + (reserved.get(pool) ?? 0);

  return {
    /**
     * Whether the pool is under its max, how many launches its job has had (EC2 and own recent ones), and
     * how many of its instances are alive but not enrolled yet (own launches not yet listed count too).
     */
    async observe(
      pool: Pool,
      jobId: number,
    ): Promise<{ room: boolean; launches: number; awaitingConfig: number }> {
      await fresh();
      if (liveCount(pool.name) >= pool.maxRunners) await fresh(AT_CAP_TTL_MS);
      const launches = new Set(snapshot?.launchesByJob.get(jobId));
      const own = unlisted(pool.name).filter((r) => r.jobId === jobId);
      for (const r of recent.values()) if (r.jobId === jobId) launches.add(r.launch);
      const awaitingConfig = (snapshot?.awaitingByJob.get(jobId) ?? 0) + own.length;
      return { room: liveCount(pool.name) < pool.maxRunners, launches: launches.size, awaitingConfig };
    },

    /**
     * Reserves one slot if the pool is under its max, on the last snapshot (no await between the check
     * and the reservation, so concurrent handlers cannot both take the last slot); undefined at the cap.
     */
    tryReserve(pool: Pool): (() => void) | undefined {
      if (liveCount(pool.name) >= pool.maxRunners) return undefined;
      reserved.set(pool.name, (reserved.get(pool.name) ?? 0) + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        reserved.set(pool.name, Math.max(0, (reserved.get(pool.name) ?? 1) - 1));
      };
    },

    /** Records an instance launched here so it counts (for its pool and its job) before a snapshot shows it. */
    noteLaunched(pool: Pool, launch: NotedLaunch): void {
      recent.set(launch.instanceId, { ...launch, pool: pool.name, at: now() });
    },

    /**
     * Instances of the pool that could still take a waiting job: booting (no runner yet) or idle (runner
     * not busy). Asked only about a job that was launched for and is still queued.
     */
    async spare(pool: Pool, ref: OrgRef): Promise<number> {
      // The slow path (a job that waited): worth a fresher look than the launch path's.
      await fresh(AT_CAP_TTL_MS);
      const instances = inPool(pool.name).filter((i) => i.tags[TAG.org] === ref.org);
      const runners = await cachedRunners(ref);
      const busy = new Set(runners.filter((r) => r.busy).map((r) => r.name));
      const idleOrBooting = instances.filter(
        (i) => !busy.has(runnerNameOf(options.runnerPrefix, i.instanceId)),
      );
      return idleOrBooting.length + unlisted(pool.name).length;
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
