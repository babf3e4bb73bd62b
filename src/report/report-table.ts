import type { EventKind } from "../events/event-log.js";
import type { Metrics } from "../metrics.js";

export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * The labels each kind must carry: a kind that counts by reason cannot be reported without one, so a
 * metric and its event can no longer drift apart (issue 11: `terminate` in one place, `terminated` in two).
 */
export interface RequiredFields {
  "job.queued": { pool: string };
  "policy.denied": { reason: string };
  "policy.violation": { reason: string };
  "launch.requested": { pool: string };
  "launch.failed": { pool: string; reason: string };
  "launch.gave-up": { pool: string; reason: string };
  "bootstrap.issued": { pool: string };
  "bootstrap.refused": { reason: string };
  "reap.runner-removed": { reason: string };
  "reap.terminated": { reason: string };
  "reap.skipped": { reason: string };
  "admin.action": { reason: "admin-drain" | "admin-terminate"; actor: string };
  /** breaker: spot was the first choice, the pool's open spot breaker sent it to on-demand. */
  "launch.fallback": { pool: string; reason: "market" | "type" | "subnet" | "breaker" };
  "spot.interrupted": { pool: string; reason: "busy" | "idle" | "no-runner" };
  "spot.rerun": { pool: string; reason: "rerun" | "refused" | "already-a-rerun" };
  "spot.breaker": { pool: string; reason: "opened" | "closed" };
  "warm.launched": { pool: string; role: string };
  "warm.removed": { pool: string; role: string; reason: string };
  /** result: hot, stopped (a warm hit) or miss (no warm capacity: a cold launch). */
  "warm.claimed": { pool: string; result: "hot" | "stopped" | "miss" };
}

type Fields<K extends EventKind> = K extends keyof RequiredFields ? RequiredFields[K] : object;

export interface ReportEntry<K extends EventKind> {
  level: LogLevel;
  /** The metric this kind counts, if any. `count` is how many things happened (default 1). */
  count?(metrics: Metrics, fields: Fields<K>, count: number): void;
}

/** reap.* kinds name the action in the metric with the kind's own word: one vocabulary for both. */
const reapAction = (kind: `reap.${string}`) => kind.slice("reap.".length);

/** One row per kind of thing that happens: its log level and the metric it counts. */
export const REPORT_TABLE: { [K in EventKind]: ReportEntry<K> } = {
  "job.queued": { level: "info", count: (m, f, n) => m.jobsQueued.inc({ pool: f.pool }, n) },
  /** Reported only for a near miss (a likely label typo), which operators want to see. */
  "job.ignored": { level: "info" },
  "job.started": { level: "info" },
  "job.completed": { level: "info" },
  "job.suspect": { level: "warn", count: (m, _f, n) => m.suspectJobs.inc(n) },
  /** The gauge of rogue runners is set from each sweep's plan; the event is the alarm. */
  "runner.rogue": { level: "error" },
  "policy.denied": {
    level: "info",
    count: (m, f, n) => m.policyDecisions.inc({ decision: "deny", reason: f.reason }, n),
  },
  "policy.violation": {
    level: "warn",
    count: (m, f, n) => m.policyDecisions.inc({ decision: "violation", reason: f.reason }, n),
  },
  "launch.requested": {
    level: "info",
    count: (m, f, n) => m.launches.inc({ pool: f.pool, result: "success" }, n),
  },
  "launch.failed": {
    level: "warn",
    count: (m, f, n) => m.launches.inc({ pool: f.pool, result: f.reason }, n),
  },
  "launch.deferred": { level: "info" },
  "launch.gave-up": {
    level: "warn",
    count: (m, f, n) => m.jobsWithoutRunner.inc({ pool: f.pool, reason: f.reason }, n),
  },
  "launch.fallback": {
    level: "info",
    count: (m, f, n) => m.launchFallbacks.inc({ pool: f.pool, change: f.reason }, n),
  },
  "spot.interrupted": {
    level: "warn",
    count: (m, f, n) => m.spotInterruptions.inc({ pool: f.pool, runner: f.reason }, n),
  },
  "spot.rebalance": { level: "info" },
  "spot.rerun": {
    level: "info",
    count: (m, f, n) => m.spotReruns.inc({ pool: f.pool, result: f.reason }, n),
  },
  /** The gauge is set where the breaker is evaluated (the scaler); the event marks the change. */
  "spot.breaker": { level: "warn" },
  "bootstrap.issued": { level: "info", count: (m, f, n) => m.bootstrapIssued.inc({ pool: f.pool }, n) },
  "bootstrap.refused": {
    level: "warn",
    count: (m, f, n) => m.bootstrapRefusals.inc({ reason: f.reason }, n),
  },
  "reap.runner-removed": {
    level: "info",
    count: (m, f, n) => m.reaps.inc({ reason: f.reason, action: reapAction("reap.runner-removed") }, n),
  },
  "reap.terminated": {
    level: "info",
    count: (m, f, n) => m.reaps.inc({ reason: f.reason, action: reapAction("reap.terminated") }, n),
  },
  "reap.skipped": {
    level: "info",
    count: (m, f, n) => m.reaps.inc({ reason: f.reason, action: reapAction("reap.skipped") }, n),
  },
  "webhook.redelivered": { level: "info" },
  "warm.launched": {
    level: "info",
    count: (m, f, n) =>
      m.warmActions.inc({ pool: f.pool, role: f.role, action: "launched", reason: "target" }, n),
  },
  "warm.removed": {
    level: "info",
    count: (m, f, n) =>
      m.warmActions.inc({ pool: f.pool, role: f.role, action: "removed", reason: f.reason }, n),
  },
  "warm.claimed": {
    level: "info",
    count: (m, f, n) => m.warmClaims.inc({ pool: f.pool, result: f.result }, n),
  },
  /** Both admin actions end in a termination the reap metric counts, as the reaper's own do. */
  "admin.action": {
    level: "info",
    count: (m, f, n) => m.reaps.inc({ reason: f.reason, action: reapAction("reap.terminated") }, n),
  },
  /** The runner-group sync (issue 12) created or updated a group; reason: created or updated. */
  "runner-group.changed": { level: "info" },
  /** GitHub refused a runner-group write (the org's plan has no groups, or the App lacks the permission). */
  "runner-group.refused": { level: "warn" },
  error: { level: "error" },
};

export type ReportFields<K extends EventKind> = Fields<K>;
