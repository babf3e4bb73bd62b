import { interruptedAt } from "../aws/ec2-mark-interrupted.js";
import type { Fleet, ManagedInstance } from "../aws/fleet.js";
import { jobsOf } from "../domain/job-tags.js";
import { runnerNameOf } from "../domain/runner-name.js";
import { TAG } from "../domain/tags.js";
import { warmRoleOf } from "../domain/warm-role.js";
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
  /** Stopped (a stopped pool's warm instances wait so). */
  stopped: ManagedInstance[];
  /** job id → launch ids among every listed instance, terminated ones included. */
  launchesByJob: Map<number, Set<string>>;
  /** pool → times of its instances' spot interruption warnings (the `mayfly:interrupted` tag; ADR 0015). */
  interruptions: Map<string, number[]>;
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
  /**
   * Per pool and org: the idle hot runners of the last runner listing, and when this process left a job
   * to one since (a cache of what GitHub shows within seconds, as `recent` is for launches).
   */
  const hot = new Map<string, { idle: number; listedAt: number; taken: number[] }>();

  async function fresh(maxAgeMs = ttlMs): Promise<Snapshot | undefined> {
    if (!snapshot || now() - snapshot.at > maxAgeMs) {
      refreshing ??= (async () => {
        const startedAt = now();
        // Shutting-down instances are listed too, so a launch that already ended stops counting at once.
        const listed = await options.fleet.list({
          states: ["pending", "running", "shutting-down", "stopping", "stopped", "terminated"],
        });
        const launchesByJob = new Map<number, Set<string>>();
        const awaitingByJob = new Map<number, number>();
        for (const i of listed) {
          const launch = i.tags[TAG.launch];
          // A runner a denied job took served none of its launch's jobs: not counted against their cap.
          if (launch === undefined || i.tags[TAG.taken] !== undefined) continue;
          const awaiting = LIVE_STATES.has(i.state) && i.tags[TAG.enrolled] === undefined;
          for (const job of jobsOf(i.tags)) {
            launchesByJob.set(job, (launchesByJob.get(job) ?? new Set()).add(launch));
            if (awaiting) awaitingByJob.set(job, (awaitingByJob.get(job) ?? 0) + 1);
          }
        }
        const interruptions = new Map<string, number[]>();
        for (const i of listed) {
          const at = interruptedAt(i.tags);
          const pool = i.tags[TAG.pool];
          if (at !== undefined && pool) interruptions.set(pool, [...(interruptions.get(pool) ?? []), at]);
        }
        snapshot = {
          at: startedAt,
          live: listed.filter((i) => LIVE_STATES.has(i.state)),
          stopped: listed.filter((i) => i.state === "stopped"),
          launchesByJob,
          interruptions,
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
     * The pool's warm capacity for an org (issue 13): idle hot runners (a `mayfly:warm=hot` instance
     * whose runner is online and not busy) less the jobs this process left to them since the runner
     * listing was taken, and claimable stopped instances. Another replica's hot hand-offs are not seen
     * here; a job that lost its hot runner that way is launched for on its recheck (planScale).
     */
    async warm(pool: Pool, ref: OrgRef): Promise<{ hot: number; stopped: number; busyHot: number }> {
      await fresh();
      const org = ref.org.toLowerCase();
      const ofOrg = (i: ManagedInstance) =>
        i.tags[TAG.pool] === pool.name && (i.tags[TAG.org] ?? "").toLowerCase() === org;
      const stopped = (snapshot?.stopped ?? []).filter(
        (i) => ofOrg(i) && warmRoleOf(i.tags).warm === "stopped",
      ).length;
      const hotInstances = inPool(pool.name).filter(
        (i) => ofOrg(i) && i.state === "running" && warmRoleOf(i.tags).warm === "hot",
      );
      if (hotInstances.length === 0) return { hot: 0, stopped, busyHot: 0 };
      const runners = await cachedRunners(ref);
      const listedAt = runnerCache.get(ref.org)?.at ?? now();
      const idle = new Set(runners.filter((r) => r.status === "online" && !r.busy).map((r) => r.name));
      const idleHot = hotInstances.filter((i) => idle.has(runnerNameOf(options.runnerPrefix, i.instanceId)));
      const busy = new Set(runners.filter((r) => r.busy).map((r) => r.name));
      const busyHot = hotInstances.filter((i) => busy.has(runnerNameOf(options.runnerPrefix, i.instanceId)));
      const key = hotKey(pool, ref);
      const taken = (hot.get(key)?.taken ?? []).filter((at) => at >= listedAt);
      hot.set(key, { idle: idleHot.length, listedAt, taken });
      return { hot: Math.max(0, idleHot.length - taken.length), stopped, busyHot: busyHot.length };
    },

    /**
     * Leaves a job to an idle hot runner if one is not yet spoken for, on the last listing (no await
     * between the check and the take, so concurrent handlers cannot give one runner two jobs); false
     * when none is left, and the job goes on to a stopped or cold launch.
     */
    tryTakeHot(pool: Pool, ref: OrgRef): boolean {
      const entry = hot.get(hotKey(pool, ref));
      if (!entry) return false;
      entry.taken = entry.taken.filter((at) => at >= entry.listedAt);
      if (entry.taken.length >= entry.idle) return false;
      entry.taken.push(now());
      return true;
    },

    /**
     * Whether the pool is under its max, how many launches its job has had (EC2 and own recent ones), and
     * how many of its instances, and of the pool's, are alive but not enrolled yet (own launches not yet
     * listed count too).
     */
    async observe(
      pool: Pool,
      jobId: number,
      ref?: Pick<OrgRef, "org">,
    ): Promise<{ room: boolean; launches: number; awaitingConfig: number; poolAwaitingConfig: number }> {
      await fresh();
      if (liveCount(pool.name) >= pool.maxRunners) await fresh(AT_CAP_TTL_MS);
      const launches = new Set(snapshot?.launchesByJob.get(jobId));
      const own = unlisted(pool.name).filter((r) => r.jobId === jobId);
      for (const r of recent.values()) if (r.jobId === jobId) launches.add(r.launch);
      const awaitingConfig = (snapshot?.awaitingByJob.get(jobId) ?? 0) + own.length;
      // Runners to come for the job's org: a runner registers in its instance's org only. One that was
      // warned of an interruption will be refused its config, so it is no runner to come.
      const org = (ref?.org ?? "").toLowerCase();
      const poolAwaitingConfig = ref
        ? inPool(pool.name).filter(
            (i) =>
              (i.tags[TAG.org] ?? "").toLowerCase() === org &&
              i.tags[TAG.enrolled] === undefined &&
              interruptedAt(i.tags) === undefined,
          ).length
        : 0;
      return {
        room: liveCount(pool.name) < pool.maxRunners,
        launches: launches.size,
        awaitingConfig,
        poolAwaitingConfig,
      };
    },

    /** Spot interruption times of the pool's instances in the last snapshot (EC2 lists them ~1 h). */
    interruptions(pool: Pool): number[] {
      return snapshot?.interruptions.get(pool.name) ?? [];
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

  function hotKey(pool: Pool, ref: OrgRef): string {
    return `${pool.name}|${ref.org.toLowerCase()}`;
  }

  function cachedRunners(ref: OrgRef): Promise<GitHubRunner[]> {
    const hit = runnerCache.get(ref.org);
    if (hit && now() - hit.at < runnerTtlMs) return hit.runners;
    const runners = options.runners.list(ref, options.runnerPrefix);
    runnerCache.set(ref.org, { at: now(), runners });
    runners.catch(() => runnerCache.delete(ref.org));
    return runners;
  }
}
