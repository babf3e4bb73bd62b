import type { Logger } from "pino";
import type { Jobs } from "../github/jobs.js";
import type { OrgRef } from "../github/runners.js";
import type { Metrics } from "../metrics.js";
import type { Pool } from "../pool-file.js";
import type { ScaleMessage } from "../queue/messages.js";
import type { Report } from "../report/report.js";
import type { ClaimStopped } from "../warm/claim-stopped.js";
import type { LaunchResult, OnDemandReason } from "./launcher.js";

/** What the scaler (scaler.ts) needs of its collaborators, declared beside it (STYLE.md principle 4). */

/** What the scaler needs of the inventory (`inventory.ts`). */
export interface ScalerInventory {
  observe(
    pool: Pool,
    jobId: number,
    ref?: Pick<OrgRef, "org">,
  ): Promise<{ room: boolean; launches: number; awaitingConfig: number; poolAwaitingConfig?: number }>;
  tryReserve(pool: Pool): (() => void) | undefined;
  noteLaunched(pool: Pool, launch: { instanceId: string; launch: string; jobId: number }): void;
  /** Spot interruption times of the pool's instances, from the last observation (ADR 0015). */
  interruptions(pool: Pool): number[];
  spare(pool: Pool, ref: OrgRef): Promise<number>;
  /** Warm capacity of a pool with a `warm` key (issue 13). */
  warm(pool: Pool, ref: OrgRef): Promise<{ hot: number; stopped: number; busyHot?: number }>;
  tryTakeHot(pool: Pool, ref: OrgRef): boolean;
}

/** What the scaler needs of the launcher (`launcher.ts`). */
export interface ScalerLauncher {
  request(
    pool: Pool,
    message: ScaleMessage,
    attempt: number,
    onDemandOnly?: OnDemandReason,
  ): Promise<LaunchResult>;
}

/** A per-installation budget (`enrolment-budget.ts`, `recheck-budget.ts`). */
export interface InstallationBudget {
  available(installationId: number): boolean;
  tryTake(installationId: number): boolean;
  secondsUntilNext(installationId: number): number;
}

export interface ScalerDeps {
  pools: readonly Pool[];
  inventory: ScalerInventory;
  launcher: ScalerLauncher;
  enrolment: Pick<InstallationBudget, "available" | "tryTake">;
  rechecks: InstallationBudget;
  /** `isForkRun` for jobs admitted on condition (fork-gate.ts). */
  jobs: Pick<Jobs, "get" | "isForkRun">;
  /** Only the breaker's gauge, set where it is evaluated; everything else goes through `report`. */
  metrics: Pick<Metrics, "spotBreakerOpen" | "policyDecisions">;
  /** Starts a stopped instance for a job (src/warm/claim-stopped.ts); without it stopped pools go cold. */
  claimStopped?: ClaimStopped;
  /** Events, metrics and logs from one table (src/report/report-table.ts). */
  report: Report;
  log: Logger;
  recheckIntervalSeconds: number;
  checkJobQueued: boolean;
  /** Launches per job at most, unless the pool says otherwise. */
  maxLaunchesPerJob: number;
  /**
   * Jobs this process saw start, from their webhooks (src/events/runner-jobs.ts): a recheck of one needs
   * no GitHub call (issue 15). Another replica's are not seen here; those are asked as before.
   */
  startedJobs?: { started(jobId: number): boolean };
  now: () => number;
  random?: () => number;
}
