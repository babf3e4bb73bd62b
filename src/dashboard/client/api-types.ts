import type { CostLine, FallbackCount, IdleCostLine, SpotRow } from "../view-rows.js";

export type { CostLine, FallbackCount, IdleCostLine, SpotRow } from "../view-rows.js";

/**
 * What the browser reads from /api/v1 and the live stream. Declared here or in ../view-rows.ts (plain
 * types that import nothing, shared with the server), never importing server code, so the client
 * compiles on its own with the DOM library; test/types/dashboard-api.ts checks that the server's view
 * models still fit these shapes, so a renamed field fails `npm run typecheck`.
 */

export const STATES = ["busy", "idle", "booting", "launching", "terminating"] as const;
export type RunnerState = (typeof STATES)[number];
export type StateCounts = Record<RunnerState, number>;

export interface Freshness {
  observedAt: number;
  stale: boolean;
  error?: string | undefined;
  unreachableOrgs: string[];
}

export interface RunnerRow {
  instanceId: string;
  runnerName: string;
  runnerStatus?: string | undefined;
  pool: string;
  org: string;
  state: RunnerState;
  instanceType: string;
  availabilityZone?: string | undefined;
  market: string;
  ageSeconds: number;
  job?:
    | {
        id: number;
        repo: string;
        workflowName?: string | undefined;
        jobName?: string | undefined;
        url?: string | undefined;
        queueSeconds?: number | undefined;
      }
    | undefined;
}

export interface PoolRow {
  name: string;
  labels: string[];
  instanceTypes: string[];
  market: string;
  maxRunners: number;
  active: number;
  states: StateCounts;
  waitingJobs: number;
  launchFailures: number;
  lastError?: { at: number; message: string; reason?: string | undefined } | undefined;
  warm?: WarmRow | undefined;
  spot?: SpotRow | undefined;
  fallbacks: FallbackCount;
}

/** A spot pool's circuit breaker (src/dashboard/spot-row.ts). */
export interface WarmLevel {
  hot: number;
  stopped: number;
}

/** A warm pool's target and actual (ready + coming), summed over the orgs it keeps them for. */
export interface WarmRow {
  target: WarmLevel & { reason: string };
  ready: WarmLevel;
  coming: WarmLevel;
  orgs: number;
  /** Warm hits (hot, stopped) and misses, by this replica since it started. */
  claims: { hot: number; stopped: number; miss: number };
}

export interface DashboardEvent {
  seq: number;
  at: number;
  kind: string;
  message: string;
  pool?: string | undefined;
  repo?: string | undefined;
  jobId?: number | undefined;
  instanceId?: string | undefined;
  reason?: string | undefined;
}

export interface HistorySample extends StateCounts {
  at: number;
  queueP50?: number | undefined;
  queueP90?: number | undefined;
}

export interface QueueStats {
  jobs: number;
  p50?: number | undefined;
  p90?: number | undefined;
}

export type RunnersView = Freshness & { runners: RunnerRow[] };
export type PoolsView = Freshness & { pools: PoolRow[] };
export interface EventsView {
  events: DashboardEvent[];
  lastSeq: number;
}
export interface SummaryView {
  samples: HistorySample[];
  queue: QueueStats;
}
export interface CostsView {
  total: number;
  /** What warm capacity cost while it waited (src/dashboard/idle-cost.ts). */
  idle: { total: number; volumePrices: { gp3: number } & Record<string, number>; pools: IdleCostLine[] };
  pools: CostLine[];
  repos: CostLine[];
  unpricedTypes: string[];
  note: string;
}
export interface Snapshot {
  runners: RunnersView;
  pools: PoolsView;
  lastSeq: number;
}
export interface ActionAnswer {
  message: string;
}
