import type { Sandbox } from "../../sandbox/sandbox.js";
import { type AppProcess, startAppProcess } from "../harness/app-process.js";
import { stopAll } from "../harness/bench-app.js";
import { benchPoolsYaml } from "../harness/bench-pools.js";
import { startBenchSandbox } from "../harness/bench-sandbox.js";
import { captureQueuedPayload } from "../harness/capture-payload.js";
import type { FigureSpec } from "../harness/figure.js";
import { PLANTED_TAG } from "../harness/plant-instances.js";
import type { Scenario } from "../harness/scenario.js";
import { sumMetric } from "../harness/sum-metric.js";
import { sleep, waitUntil } from "../harness/wait-until.js";
import { createRunners, plantInstancesInChunks, postInProgress } from "./memory-setup.js";

/**
 * Memory (issue 7): the RSS of an app process (src/main.ts, roles webhooks + reaper, sweep every 5 s)
 * tracking RUNNERS runners: instances and JIT runners planted first (latency, rate limits and EC2 throttling
 * off, so the setup is quick), then the app starts, sweeps observe them all, and as many `in_progress`
 * webhooks give each runner a job record. RSS is read from /proc/<pid>/status every 250 ms from then until
 * 8 s after a sweep saw every runner (a sweep or more); the peak is the figure. Runs once: the setup is
 * the expensive part.
 */
const RUNNERS = 10_000;
const FARGATE_TASK_MIB = 1024;
/** The shortest the config allows: the first sweep is 1 s after start, then one every 5 s. */
const SWEEP_SECONDS = 5;

const FIGURES: FigureSpec[] = [
  { id: "rssIdleMiB", label: "Memory: RSS, app started, nothing tracked", unit: "MiB" },
  {
    id: "rssTrackedMiB",
    label: `Memory: RSS with ${RUNNERS.toLocaleString("en")} runners tracked (peak)`,
    unit: "MiB",
    target: {
      op: "<=",
      value: FARGATE_TASK_MIB / 2,
      on: "worst",
      source: "half the app's Fargate task memory (infra/lib/app-service.ts)",
    },
  },
  { id: "perRunnerKiB", label: "Memory: RSS per tracked runner", unit: "KiB" },
];

export const memory: Scenario = {
  name: "memory",
  title: `RSS of the app tracking ${RUNNERS.toLocaleString("en")} runners`,
  figures: FIGURES,
  runs: () => 1,
  runTimeoutMs: () => 5 * 60_000,
  async run(context) {
    let sandbox: Sandbox | undefined;
    let app: AppProcess | undefined;
    try {
      sandbox = await startBenchSandbox(
        { githubMs: 0, runInstancesMs: 0, ec2Ms: 0, sqsMs: 0 },
        {
          bootDelayMs: 200,
          poolsYaml: benchPoolsYaml({ maxRunners: RUNNERS, boot: "1h", idle: "1h", job: "1h" }),
          agentBehaviour: (instance) => (instance.tags[PLANTED_TAG] ? "never-bootstrap" : "normal"),
          ec2: { throttling: false },
          github: { rateLimits: { enabled: false } },
        },
      );
      const template = await captureQueuedPayload(sandbox);
      const { WEBHOOK_SECRET: secret = "", MAYFLY_METRICS_TOKEN: metricsToken = "" } = await sandbox.env();
      context.progress(`planting ${RUNNERS} instances and their runners`);
      const names = (await plantInstancesInChunks(sandbox, RUNNERS)).map((id) => `mayfly-${id}`);
      context.progress(`${RUNNERS} instances planted; creating their runners`);
      await createRunners(sandbox, names, context.signal);
      app = await startAppProcess(sandbox, {
        entry: "main",
        env: {
          MAYFLY_ROLES: "webhooks,bootstrap,reaper",
          MAYFLY_SWEEP_INTERVAL: `${SWEEP_SECONDS}s`,
          LOG_LEVEL: "warn",
        },
        logFile: context.logPath("app.log"),
      });
      // Read before the first sweep (1 s after start): the app with its modules loaded and nothing tracked.
      const idle = app.rssMiB();
      const sampler = sampleRss(app);
      context.progress(`app started (RSS ${idle.toFixed(0)} MiB); posting ${RUNNERS} in_progress webhooks`);
      await postInProgress(`${app.url}/api/github/webhooks`, template, secret, names, context.signal);
      context.progress("waiting for a sweep that sees every runner");
      await fullSweep(app, metricsToken, context.signal);
      await sleep(8_000);
      const tracked = sampler.stop();
      return {
        values: {
          rssIdleMiB: idle,
          rssTrackedMiB: tracked,
          perRunnerKiB: ((tracked - idle) * 1024) / RUNNERS,
        },
        details: {
          runners: RUNNERS,
          githubCalls: sandbox.github.stats().calls,
          ec2Calls: sandbox.ec2.stats().calls,
        },
      };
    } finally {
      await app?.stop();
      await stopAll(undefined, sandbox);
    }
  },
};

/** Resolves once a sweep has seen every runner (mayfly_runners{state="idle"}, set at the end of a sweep). */
async function fullSweep(app: AppProcess, metricsToken: string, signal: AbortSignal): Promise<void> {
  await waitUntil(
    `a sweep that observes ${RUNNERS} runners`,
    async () => {
      const headers = { authorization: `Bearer ${metricsToken}` };
      const text = await (await fetch(`${app.url}/metrics`, { headers })).text();
      return (sumMetric(text, "mayfly_runners", { state: "idle" }) ?? 0) >= RUNNERS;
    },
    { timeoutMs: 90_000, everyMs: 1_000, signal },
  );
}

/** Peak RSS, sampled every 250 ms until stopped (a sample after the process is gone is skipped). */
function sampleRss(app: AppProcess): { stop(): number } {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, app.rssMiB());
    } catch {
      // The process exited; the run fails on its next request to it, with a clearer message.
    }
  }, 250);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}
