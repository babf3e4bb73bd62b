import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * Prometheus metrics, one registry per app instance (so tests can run several apps in one process).
 * Names and labels are part of the product: dashboards and alerts depend on them.
 */
export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: "mayfly_process_" });
  const registers = [registry];
  const metrics = {
    registry,
    webhooks: new Counter({
      name: "mayfly_webhooks_total",
      help: "workflow_job webhooks received, by action and result (unknown-installation: signed, but for an installation the App does not have)",
      labelNames: ["action", "result"] as const,
      registers,
    }),
    jobsQueued: new Counter({
      name: "mayfly_jobs_queued_total",
      help: "Queued jobs accepted for a pool and sent to the scaler",
      labelNames: ["pool"] as const,
      registers,
    }),
    policyDecisions: new Counter({
      name: "mayfly_policy_decisions_total",
      help: "Policy decisions: allow/deny for queued jobs, violation for jobs on a runner whose pool denies them",
      labelNames: ["decision", "reason"] as const,
      registers,
    }),
    suspectJobs: new Counter({
      name: "mayfly_suspect_jobs_total",
      help: "Jobs that started on a Mayfly-named runner with no live instance of this deployment",
      registers,
    }),
    rogueRunners: new Gauge({
      name: "mayfly_rogue_runners",
      help: "Mayfly-named runners online or busy with no instance of this deployment, as of the last sweep (alert on > 0)",
      registers,
    }),
    spotInterruptions: new Counter({
      name: "mayfly_spot_interruptions_total",
      help: "Spot interruption warnings for this deployment's instances, by pool and what the runner was doing (busy, idle, no-runner)",
      labelNames: ["pool", "runner"] as const,
      registers,
    }),
    spotReruns: new Counter({
      name: "mayfly_spot_reruns_total",
      help: "Jobs cut short by a spot interruption: re-run once (rerun), refused by GitHub (refused), or not re-run because they were a re-run already (already-a-rerun)",
      labelNames: ["pool", "result"] as const,
      registers,
    }),
    spotBreakerOpen: new Gauge({
      name: "mayfly_spot_breaker_open",
      help: "1 while a pool's spot circuit breaker is open (the pool launches on on-demand), else 0",
      labelNames: ["pool"] as const,
      registers,
    }),
    launchFallbacks: new Counter({
      name: "mayfly_launch_fallbacks_total",
      help: "Launches that did not land on the pool's first choice, by pool and what changed (market: spot to on-demand after a capacity error; breaker: on-demand because the pool's spot breaker is open; type; subnet)",
      labelNames: ["pool", "change"] as const,
      registers,
    }),
    launches: new Counter({
      name: "mayfly_launches_total",
      help: "Instances launched (result=success) and launch requests that failed, by pool and result",
      labelNames: ["pool", "result"] as const,
      registers,
    }),
    jobsWithoutRunner: new Counter({
      name: "mayfly_jobs_without_runner_total",
      help: "Jobs the scaler gave up launching for (reason=launch-limit: every allowed launch was made and none took the job)",
      labelNames: ["pool", "reason"] as const,
      registers,
    }),
    launchLatency: new Histogram({
      name: "mayfly_launch_latency_seconds",
      help: "Control-plane latency: queued webhook received to launch request sent",
      labelNames: ["pool"] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers,
    }),
    bootstrapRefusals: new Counter({
      name: "mayfly_bootstrap_refusals_total",
      help: "Bootstrap requests refused, by reason",
      labelNames: ["reason"] as const,
      registers,
    }),
    bootstrapIssued: new Counter({
      name: "mayfly_bootstrap_issued_total",
      help: "JIT runner configs handed to instances at boot",
      labelNames: ["pool"] as const,
      registers,
    }),
    queueTime: new Histogram({
      name: "mayfly_queue_time_seconds",
      help: "Job queue time: created_at to started_at",
      labelNames: ["pool"] as const,
      buckets: [5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600, 1800],
      registers,
    }),
    timeToRevoke: new Histogram({
      name: "mayfly_time_to_revoke_seconds",
      help: "completed webhook received to instance termination requested",
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers,
    }),
    warmActions: new Counter({
      name: "mayfly_warm_actions_total",
      help: "Warm capacity (issue 13): warm instances launched and removed, by pool, role and reason",
      labelNames: ["pool", "role", "action", "reason"] as const,
      registers,
    }),
    warmClaims: new Counter({
      name: "mayfly_warm_claims_total",
      help: "Queued jobs served from warm capacity (hot, stopped) or not (miss, a cold launch), by pool",
      labelNames: ["pool", "result"] as const,
      registers,
    }),
    warmLevel: new Gauge({
      name: "mayfly_warm_instances",
      help: "Warm capacity per pool, org and role: the target in force, the ready instances (idle hot runners, stopped instances) and the coming ones (booting, warming up)",
      labelNames: ["pool", "org", "role", "kind"] as const,
      registers,
    }),
    reaps: new Counter({
      name: "mayfly_reaps_total",
      help: "Reaper actions, by reason and action (terminated, runner-removed, skipped)",
      labelNames: ["reason", "action"] as const,
      registers,
    }),
    runners: new Gauge({
      name: "mayfly_runners",
      help: "Runners by pool and state (launching, booting, idle, busy, terminating), as of the last sweep",
      labelNames: ["pool", "state"] as const,
      registers,
    }),
    githubCalls: new Counter({
      name: "mayfly_github_calls_total",
      help: "GitHub API calls, by method and status",
      labelNames: ["method", "status"] as const,
      registers,
    }),
    githubThrottles: new Counter({
      name: "mayfly_github_throttles_total",
      help: "GitHub rate-limit answers, by kind (primary, secondary)",
      labelNames: ["kind"] as const,
      registers,
    }),
    ec2Calls: new Counter({
      name: "mayfly_ec2_calls_total",
      help: "EC2 API calls, by action and result",
      labelNames: ["action", "result"] as const,
      registers,
    }),
    ec2Throttles: new Counter({
      name: "mayfly_ec2_throttles_total",
      help: "EC2 RequestLimitExceeded answers, by action",
      labelNames: ["action"] as const,
      registers,
    }),
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
