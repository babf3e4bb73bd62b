import type { Logger } from "pino";
import type { Fleet } from "../aws/fleet.js";
import type { Config } from "../config.js";
import type { EventLog } from "../events/event-log.js";
import type { RunnerJobs } from "../events/runner-jobs.js";
import type { Installations } from "../github/installations.js";
import type { Runners } from "../github/runners.js";
import type { Metrics } from "../metrics.js";
import type { Observe } from "../reaper/observe.js";
import type { Terminator } from "../reaper/terminator.js";
import type { Checklist } from "../setup/checklist.js";

/** The config the dashboard reads; the whole Config fits. */
export interface DashboardConfig {
  publicUrl: string;
  runnerPrefix: string;
  pools: Config["pools"];
  prices: Config["prices"];
  volumePrices: Config["volumePrices"];
  github: Pick<Config["github"], "webUrl" | "apiUrl" | "clientId" | "clientSecret">;
  dashboard: Config["dashboard"];
}

export interface DashboardDeps {
  config: DashboardConfig;
  observe: Observe;
  events: EventLog;
  runnerJobs: RunnerJobs;
  runners: Pick<Runners, "list" | "remove">;
  /** describe: admin actions; list: the spot pools' breaker column (interrupted-instances.ts). */
  fleet: Pick<Fleet, "describe" | "list">;
  terminator: Pick<Terminator, "terminate">;
  installations: Pick<Installations, "list">;
  metrics?: Metrics;
  /** The setup checklist, shown to operators (GET /api/v1/checklist, the page's setup panel). */
  checklist?: Checklist;
  log: Logger;
  /** For GitHub's OAuth and user endpoints; the global fetch by default. */
  fetch?: typeof fetch;
  now?: () => number;
  timing?: Partial<DashboardTiming>;
}

export interface DashboardTiming {
  /** How long one observation is shared (EC2 + GitHub calls). */
  observeTtlMs: number;
  /** How often the history and cost ledger sample. */
  sampleIntervalMs: number;
  /** How much history to keep. */
  historyMs: number;
  /** How often the live stream pushes a snapshot. */
  streamTickMs: number;
  maxStreams: number;
}

export const DEFAULT_TIMING: DashboardTiming = {
  observeTtlMs: 5_000,
  sampleIntervalMs: 10_000,
  historyMs: 6 * 3_600_000,
  streamTickMs: 5_000,
  maxStreams: 100,
};
