import pino from "pino";
import { createMemoryFleet } from "../../../src/aws/memory-fleet.js";
import { EventLog } from "../../../src/events/event-log.js";
import type { Jobs, JobView } from "../../../src/github/jobs.js";
import type { GitHubRunner } from "../../../src/github/runners.js";
import { createMetrics } from "../../../src/metrics.js";
import type { Pool } from "../../../src/pool-file.js";
import type { ReceivedMessage } from "../../../src/queue/job-queue.js";
import type { ScaleMessage } from "../../../src/queue/messages.js";
import { TokenBucket } from "../../../src/rate/token-bucket.js";
import { createReport } from "../../../src/report/report.js";
import { EnrolmentBudget } from "../../../src/scaler/enrolment-budget.js";
import { createInventory } from "../../../src/scaler/inventory.js";
import { createLauncher } from "../../../src/scaler/launcher.js";
import { RecheckBudget } from "../../../src/scaler/recheck-budget.js";
import { createScaler } from "../../../src/scaler/scaler.js";
import { createStoppedClaimer } from "../../../src/warm/claim-stopped.js";
import { makePool } from "../domain/make-pool.js";

/**
 * One in-memory cloud and GitHub, and as many scaler replicas over them as a test wants: each replica
 * has its own inventory, launcher and budgets, as separate processes would. The clock is the test's.
 */
export function scaleWorld(options: { pool?: Partial<Pool>; rechecksPerHour?: number } = {}) {
  const clock = { now: 1_000_000_000 };
  const now = () => clock.now;
  const pool = makePool({ name: "small", maxRunners: 5, ...options.pool });
  const fleet = createMemoryFleet({ now });
  const github = {
    gets: 0,
    status: "queued" as JobView["status"],
    /** Per-job statuses where a test sets them; others are `status`. */
    statuses: new Map<number, JobView["status"]>(),
    runners: [] as GitHubRunner[],
    /** Runs from forks; every fork look-up is counted. */
    forkRuns: new Set<number>(),
    forkLookups: 0,
    forkDown: false,
  };
  const jobs: Pick<Jobs, "get" | "isForkRun"> = {
    async get(ref) {
      github.gets++;
      return { status: github.statuses.get(ref.jobId) ?? github.status, conclusion: null, runnerName: null };
    },
    async isForkRun(ref) {
      github.forkLookups++;
      if (github.forkDown) throw new Error("GitHub answered 502");
      return github.forkRuns.has(ref.runId);
    },
  };

  /** `startedJobs`: the job starts this replica's webhooks saw (src/events/runner-jobs.ts). */
  function replica(seen: { startedJobs?: { started(jobId: number): boolean } } = {}) {
    const events = new EventLog({ now });
    const metrics = createMetrics();
    const log = pino({ level: "silent" });
    const inventory = createInventory({
      fleet,
      runners: { list: async () => github.runners },
      runnerPrefix: "mayfly-",
      ttlMs: 0,
      now,
    });
    const launcher = createLauncher({
      fleet,
      tokens: { issue: async (claims) => `token-${claims.launch}` },
      requestBucket: new TokenBucket({ capacity: 100, refillPerSecond: 100, now }),
      publicUrl: "https://mayfly.example.com",
      deploymentId: "mayfly",
      batchWindowMs: 0,
      metrics,
      report: createReport({ events, metrics, log }),
      log,
      now,
    });
    const rechecks = new RecheckBudget({ perHour: options.rechecksPerHour ?? 1200, now });
    const scaler = createScaler({
      pools: [pool],
      inventory,
      launcher,
      enrolment: new EnrolmentBudget({ writePointsPerMinute: 800, pools: [pool], now }),
      rechecks,
      jobs,
      metrics,
      log,
      claimStopped: createStoppedClaimer({
        fleet,
        warm: fleet,
        tokens: { issue: async (claims) => `token-${claims.launch}` },
        publicUrl: "https://mayfly.example.com",
        now,
      }),
      report: createReport({ events, metrics, log }),
      recheckIntervalSeconds: 10,
      checkJobQueued: true,
      maxLaunchesPerJob: 3,
      ...seen,
      now,
      random: () => 0.5,
    });
    return { scaler, events, metrics, rechecks };
  }

  const message = (overrides: Partial<ScaleMessage> = {}): ScaleMessage => ({
    kind: "scale",
    jobId: 42,
    runId: 7,
    runAttempt: 1,
    org: "acme",
    repo: "acme/api",
    installationId: 1,
    pool: pool.name,
    labels: ["linux"],
    jobCreatedAt: clock.now,
    receivedAt: clock.now,
    deliveryId: "d-1",
    ...overrides,
  });
  const delivery = (receiveCount: number, id = "m-1"): ReceivedMessage => ({
    id,
    receiptHandle: `${id}:${receiveCount}`,
    body: "",
    receiveCount,
    groupId: "job-42",
    sentAt: clock.now,
  });
  /** The pool's instances end (the reaper terminated them), as a never-enrolling instance's would. */
  const terminateAll = () => {
    for (const i of fleet.instances()) fleet.setState(i.instanceId, "terminated");
  };
  return { clock, pool, fleet, github, replica, message, delivery, terminateAll };
}
