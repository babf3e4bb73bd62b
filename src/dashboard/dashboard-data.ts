import type { ManagedInstance } from "../aws/fleet.js";
import type { EventLog, MayflyEvent } from "../events/event-log.js";
import type { RunnerJobs } from "../events/runner-jobs.js";
import type { Installations } from "../github/installations.js";
import type { Metrics } from "../metrics.js";
import type { Pool, PriceTable, VolumePrices } from "../pool-file.js";
import type { Observation } from "../reaper/observe.js";
import { type CostEstimate, estimateCosts } from "./estimate-costs.js";
import { type IdleCost, idleCost } from "./idle-cost.js";
import type { InstanceLedger } from "./instance-ledger.js";
import type { ObservationCache } from "./observation-cache.js";
import { type PoolRow, poolRows } from "./pool-rows.js";
import type { QueueStats, QueueTimes } from "./queue-times.js";
import type { HistorySample, RunnerHistory } from "./runner-history.js";
import { type RunnerRow, runnerRows } from "./runner-rows.js";
import { canSee, owns, type Viewer } from "./viewer.js";
import { warmClaims } from "./warm-claims.js";
import { warmLevels } from "./warm-levels.js";

/** What the JSON API and the live stream serve: view models built from the shared, cached sources. */

export interface Freshness {
  observedAt: number;
  stale: boolean;
  error?: string;
  unreachableOrgs: string[];
}

export const QUEUE_WINDOW_MS = 3_600_000;
export const COST_WINDOW_MS = 24 * 3_600_000;

export function createDashboardData(deps: {
  cache: ObservationCache;
  events: EventLog;
  runnerJobs: RunnerJobs;
  history: RunnerHistory;
  ledger: InstanceLedger;
  queueTimes: QueueTimes;
  pools: readonly Pool[];
  prices: PriceTable;
  /** EBS $/GiB-month by volume type: stopped warm instances' cost. */
  volumePrices: VolumePrices;
  runnerPrefix: string;
  /** For the warm rows: the orgs whose level the warm loop keeps (cached by the adapter). */
  installations: Pick<Installations, "list">;
  /** Instances warned of a spot interruption, terminated ones included (interrupted-instances.ts). */
  interrupted: () => Promise<ManagedInstance[]>;
  metrics?: Pick<Metrics, "warmClaims">;
  sampleIntervalMs: number;
  now: () => number;
}) {
  async function observed(viewer: Viewer) {
    const { observation, stale, error } = await deps.cache.get();
    const freshness: Freshness = {
      observedAt: observation.at,
      stale,
      error,
      unreachableOrgs: observation.unreachableOrgs.filter((org) => owns(viewer, org)),
    };
    return { observation, freshness };
  }

  /** The observation just listed them (and the list is cached); if that fails, the orgs it saw runners of. */
  async function installedOrgs(observation: Observation) {
    try {
      return await deps.installations.list();
    } catch {
      return [...new Map(observation.runners.map((r) => [r.ref.org, r.ref])).values()];
    }
  }

  return {
    async runners(viewer: Viewer): Promise<Freshness & { runners: RunnerRow[] }> {
      const { observation, freshness } = await observed(viewer);
      const runners = runnerRows({
        observation,
        jobOf: (name) => deps.runnerJobs.get(name),
        runnerPrefix: deps.runnerPrefix,
        viewer,
        now: deps.now(),
      });
      return { ...freshness, runners };
    },

    /** Pool capacity is shared by every org the pool admits, so every viewer sees all of it. */
    async pools(viewer: Viewer): Promise<Freshness & { pools: PoolRow[]; waitingIsApproximate: true }> {
      const { observation, freshness } = await observed(viewer);
      const now = deps.now();
      const warm = deps.pools.some((p) => p.warm)
        ? warmLevels({
            pools: deps.pools,
            observation,
            installations: await installedOrgs(observation),
            runnerPrefix: deps.runnerPrefix,
            claims: await warmClaims(deps.metrics),
            now,
          })
        : undefined;
      const spotPools = deps.pools.some((p) => p.market !== "on-demand");
      const pools = poolRows({
        pools: deps.pools,
        observation,
        interrupted: spotPools ? await deps.interrupted() : [],
        events: deps.events.list(),
        runnerPrefix: deps.runnerPrefix,
        warm,
        now,
      });
      return { ...freshness, pools, waitingIsApproximate: true };
    },

    events(
      viewer: Viewer,
      after: number | undefined,
      limit: number,
    ): { events: MayflyEvent[]; lastSeq: number } {
      const events = deps.events.list({ afterSeq: after }).filter((e) => canSee(viewer, e.org));
      // The log's newest seq, whatever the viewer sees: a value below the client's means a new log.
      const lastSeq = deps.events.list({ limit: 1 }).at(-1)?.seq ?? 0;
      return { events: events.slice(-limit), lastSeq };
    },

    summary(): { sampleIntervalSeconds: number; samples: HistorySample[]; queue: QueueStats } {
      return {
        sampleIntervalSeconds: deps.sampleIntervalMs / 1000,
        samples: deps.history.list(),
        queue: deps.queueTimes.stats(deps.now(), QUEUE_WINDOW_MS),
      };
    },

    costs(viewer: Viewer): CostEstimate & { idle: IdleCost; note: string } {
      const to = deps.now();
      const window = { from: to - COST_WINDOW_MS, to };
      const visible = deps.ledger.entries().filter((i) => owns(viewer, i.org));
      return {
        ...estimateCosts(visible, deps.prices, window),
        idle: idleCost(visible, deps.pools, deps.prices, window, deps.volumePrices),
        note:
          "Estimate: instance hours seen by this replica in the last 24 h × the pool file's hourly prices " +
          "(spot price for spot instances); excludes storage, data transfer and price changes. Idle warm " +
          "capacity: hot hours before a job (already in the totals) and stopped instances' volumes at " +
          `$${deps.volumePrices.gp3}/GiB-month for gp3 (the pool file's volumePrices).`,
      };
    },
  };
}
export type DashboardData = ReturnType<typeof createDashboardData>;
