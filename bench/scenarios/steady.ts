import type { Sandbox } from "../../sandbox/sandbox.js";
import { type BenchApp, startBenchApp, stopAll } from "../harness/bench-app.js";
import { POOL_JOBS } from "../harness/bench-pools.js";
import { startBenchSandbox } from "../harness/bench-sandbox.js";
import type { FigureSpec } from "../harness/figure.js";
import { percentile } from "../harness/percentile.js";
import { PRODUCTION_INTERVALS } from "../harness/production-intervals.js";
import type { Scenario, ScenarioRun } from "../harness/scenario.js";
import { tapHistogram } from "../harness/tap-histogram.js";
import { sleep, waitUntil } from "../harness/wait-until.js";

/**
 * Steady load (issues 4 and 7): JOBS jobs at RATE a second, round-robin over the three pools (well under
 * every cap and limit), each running JOB_MS. With 12 samples a run, p99 is the run's worst job. Control-plane latency is the app's own measure, queued
 * webhook received → launch request sent; time to revoke is `completed` received → runner removed and
 * the instance's termination confirmed or requested (mayfly_time_to_revoke_seconds), both sampled exactly.
 */
const JOBS = 12;
/** Half of EC2's sustained RunInstances rate (2 a second), so launches do not queue on its bucket. */
const RATE_PER_SECOND = 1;
const JOB_MS = 2_000;

const FIGURES: FigureSpec[] = [
  { id: "launchLatencyP50", label: "Steady: webhook → launch request p50", unit: "ms" },
  { id: "launchLatencyP99", label: "Steady: webhook → launch request p99", unit: "ms" },
  { id: "revokeP50", label: "Steady: time to revoke p50", unit: "ms" },
  { id: "revokeP99", label: "Steady: time to revoke p99", unit: "ms" },
  { id: "jobsWaitedP99", label: "Steady: job queue time p99 (created → started)", unit: "ms" },
];

export const steady: Scenario = {
  name: "steady",
  title: `steady load: ${JOBS} jobs at ${RATE_PER_SECOND}/s over 3 pools, ${JOB_MS / 1000} s each`,
  figures: FIGURES,
  runs: (options) => options.runs,
  runTimeoutMs: () => 3 * 60_000,
  async run(context) {
    let sandbox: Sandbox | undefined;
    let app: BenchApp | undefined;
    try {
      sandbox = await startBenchSandbox(context.options.latency, { bootDelayMs: 1_000 });
      app = await startBenchApp(sandbox, PRODUCTION_INTERVALS, context.logPath("app.log"));
      return await measure(sandbox, app, context.signal);
    } finally {
      await stopAll(app, sandbox);
    }
  },
};

async function measure(sandbox: Sandbox, app: BenchApp, signal: AbortSignal): Promise<ScenarioRun> {
  const launch = tapHistogram(app.metrics.launchLatency);
  const revoke = tapHistogram(app.metrics.timeToRevoke);
  try {
    const ids: number[] = [];
    for (let i = 0; i < JOBS; i++) {
      const { repo, labels } = POOL_JOBS[i % POOL_JOBS.length]!;
      ids.push(sandbox.github.enqueueJob({ org: "acme", repo, labels: [...labels], durationMs: JOB_MS }).id);
      await sleep(1000 / RATE_PER_SECOND);
    }
    await waitUntil("every job to complete and be revoked", () => revoke.samples.length >= JOBS, {
      timeoutMs: 90_000,
      everyMs: 100,
      signal,
      progress: () => `${launch.samples.length} launched, ${revoke.samples.length} of ${JOBS} revoked`,
    });
    const waited = ids.map((id) => {
      const job = sandbox.github.job(id);
      return job?.startedAt ? job.startedAt - job.createdAt : Number.NaN;
    });
    const ms = (samples: number[]) => samples.map((s) => s * 1000);
    return {
      values: {
        launchLatencyP50: percentile(ms(launch.samples), 50),
        launchLatencyP99: percentile(ms(launch.samples), 99),
        revokeP50: percentile(ms(revoke.samples), 50),
        revokeP99: percentile(ms(revoke.samples), 99),
        jobsWaitedP99: percentile(waited.filter(Number.isFinite), 99),
      },
      details: {
        jobs: JOBS,
        ratePerSecond: RATE_PER_SECOND,
        jobMs: JOB_MS,
        githubCalls: sandbox.github.stats().calls,
        ec2Calls: sandbox.ec2.stats().calls,
        config: { ...PRODUCTION_INTERVALS, bootDelayMs: 1_000, pools: "sandbox pools (max 50/20/10)" },
      },
    };
  } finally {
    launch.untap();
    revoke.untap();
  }
}
