import { dirname } from "node:path";
import type { Sandbox } from "../../sandbox/sandbox.js";
import { freePort } from "../../sandbox/sandbox.js";
import { type AppProcess, type AppReport, startAppProcess } from "../harness/app-process.js";
import { stopAll } from "../harness/bench-app.js";
import { benchPoolsYaml, POOL_JOBS } from "../harness/bench-pools.js";
import { startBenchSandbox } from "../harness/bench-sandbox.js";
import { compileApp } from "../harness/compile-app.js";
import { createExtraApps } from "../harness/extra-apps.js";
import { type RoundRobinProxy, startRoundRobinProxy } from "../harness/round-robin-proxy.js";
import type { Scenario, ScenarioContext, ScenarioRun } from "../harness/scenario.js";
import { sleep, waitForCount } from "../harness/wait-until.js";
import { watchGitHub } from "../harness/world-watch.js";
import { BOOT_DELAY_MS, BURST_CONFIG, BURST_TIMEOUTS, JOB_DURATION_MS } from "./burst-config.js";
import { BURST_FIGURES, burstFigures } from "./burst-figures.js";
import { summariseBurst } from "./burst-summary.js";

/**
 * The burst (issues 3, 4, 7): N jobs (default 1,000) spread evenly over the three pools, queued at 100 a
 * second, against GitHub's documented primary and secondary limits and EC2's documented token buckets.
 * The app runs in its own process (roles webhooks, scaler, reaper; production intervals); pools are
 * uncapped (maxRunners = N) with a 15 min boot timeout, so neither the cap nor the reaper shapes the
 * numbers. Runs once per `npm run bench`: registering 1,000 runners takes minutes at GitHub's ceiling.
 * `--app-identities=N` gives the app N App identities (all installed on the org); `--replicas=N` runs N
 * app processes behind a round-robin proxy (webhooks and bootstrap requests spread as by a load
 * balancer), each told MAYFLY_REPLICAS=N. The app is compiled with tsc and run with plain node, as
 * production runs it; CPU seconds and peak RSS are read from /proc for every process.
 */
const QUEUED_PER_SECOND = 100;
/** No progress for this long means the app is stuck (e.g. out of GitHub rate limit): stop and report. */
const STALL_MS = 90_000;

export const burst: Scenario = {
  name: "burst",
  title: "1,000 jobs queued at 100/s over 3 pools, documented GitHub and EC2 limits",
  figures: BURST_FIGURES,
  figuresFor: (options) => burstFigures(options.burstJobs, options.appIdentities),
  runs: () => 1,
  runTimeoutMs: (options) => registerBudgetMs(options.burstJobs) + 5 * 60_000,
  async run(context) {
    let sandbox: Sandbox | undefined;
    let proxy: RoundRobinProxy | undefined;
    let extraApps: ReturnType<typeof createExtraApps> | undefined;
    const apps: AppProcess[] = [];
    const ports: string[] = [];
    const { appIdentities, replicas, cpuProf } = context.options;
    try {
      const jobs = context.options.burstJobs;
      sandbox = await startBenchSandbox(context.options.latency, {
        bootDelayMs: BOOT_DELAY_MS,
        poolsYaml: benchPoolsYaml({ maxRunners: jobs, ...BURST_TIMEOUTS }),
      });
      extraApps = createExtraApps(sandbox, appIdentities - 1);
      // Plain node over tsc's output, as production runs (`npm start`); CPU and RSS are the app's own.
      const compiledEntry = await compileApp();
      proxy = replicas > 1 ? await startRoundRobinProxy() : undefined;
      for (let i = 1; i <= replicas; i++) {
        const port = String(await freePort());
        ports.push(port);
        const logFile = context.logPath(replicas > 1 ? `app-${i}.log` : "app.log");
        apps.push(
          await startAppProcess(sandbox, {
            entry: "instrumented",
            env: {
              ...BURST_CONFIG,
              PORT: port,
              PUBLIC_URL: proxy?.url ?? `http://127.0.0.1:${port}`,
              MAYFLY_REPLICAS: String(replicas),
              ...(extraApps.file ? { GITHUB_APPS_FILE: extraApps.file } : {}),
            },
            logFile,
            compiledEntry,
            nodeArgs: cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${dirname(logFile)}`] : [],
          }),
        );
      }
      proxy?.setTargets(ports.map((port) => `http://127.0.0.1:${port}`));
      return await measure(context, sandbox, apps, jobs);
    } finally {
      await Promise.all(apps.map((a) => a.stop()));
      await proxy?.stop();
      extraApps?.remove();
      await stopAll(undefined, sandbox);
    }
  },
};

/** Registering n runners at one identity's pace (175 a minute) plus slack. */
function registerBudgetMs(jobs: number): number {
  return (jobs / 175) * 60_000 + 3 * 60_000;
}

async function measure(
  context: ScenarioContext,
  sandbox: Sandbox,
  apps: readonly AppProcess[],
  jobs: number,
): Promise<ScenarioRun> {
  const github = watchGitHub(sandbox);
  const start = Date.now();
  const cpuAtStart = apps.map((a) => a.cpuSeconds());
  let report: AppReport | undefined;
  const revoked = async () => {
    report = mergeReports(await Promise.all(apps.map((a) => a.report())));
    return report.revokeSeconds.length;
  };
  const processes = () => ({
    replicas: apps.length,
    cpuSeconds: apps.map((a, i) => a.cpuSeconds() - cpuAtStart[i]!),
    peakRssMiB: apps.map((a) => a.peakRssMiB()),
  });
  // The scale path's own EC2 calls: RunInstances and the inventory's DescribeInstances until the last
  // launch request; bootstrap checks and terminations come after and are counted in the whole run.
  let ec2CallsAtLastLaunch: Record<string, number> | undefined;
  const launched = () => {
    const n = sandbox.ec2.instances().length;
    if (n >= jobs && !ec2CallsAtLastLaunch) ec2CallsAtLastLaunch = { ...sandbox.ec2.stats().calls };
    return n;
  };
  let measured: ReturnType<typeof processes> | undefined;
  const summary = () =>
    summariseBurst(sandbox, jobs, start, github.times, report, ec2CallsAtLastLaunch, measured ?? processes());
  context.explain(() => summary().details ?? {});
  const { signal } = context;
  // Each stage waits for all N; a stage that stalls (STALL_MS without progress) ends the run early.
  const stages = [
    { what: "launches issued", count: launched, timeoutMs: 3 * 60_000 },
    {
      what: "runners registered",
      count: () => github.times.runnerCreated.length,
      timeoutMs: registerBudgetMs(jobs),
    },
    { what: "jobs completed", count: () => github.times.jobCompleted.length, timeoutMs: 2 * 60_000 },
    { what: "jobs revoked", count: revoked, timeoutMs: 2 * 60_000 },
  ];
  try {
    await enqueueSteadily(sandbox, jobs, start);
    let incomplete: string | undefined;
    for (const stage of stages) {
      const result = await waitForCount(stage.count, jobs, {
        timeoutMs: stage.timeoutMs,
        stallMs: STALL_MS,
        everyMs: 500,
        onStep: (n) => context.progress(`${n} of ${jobs} ${stage.what}`),
        signal,
      });
      if (!result.reached) {
        incomplete = `${stage.what}: ${result.why}`;
        break;
      }
    }
    await revoked();
    measured = processes();
    const run = summary();
    return incomplete ? { ...run, error: incomplete } : run;
  } finally {
    github.off();
  }
}

/** The replicas' reports as one. */
function mergeReports(reports: readonly AppReport[]): AppReport {
  const events: Record<string, number> = {};
  for (const r of reports) for (const [k, n] of Object.entries(r.events)) events[k] = (events[k] ?? 0) + n;
  return {
    launchLatencySeconds: reports.flatMap((r) => r.launchLatencySeconds),
    revokeSeconds: reports.flatMap((r) => r.revokeSeconds),
    events,
  };
}

/** 10 jobs every 100 ms, round-robin over the pools. */
async function enqueueSteadily(sandbox: Sandbox, jobs: number, start: number): Promise<void> {
  const perTick = QUEUED_PER_SECOND / 10;
  for (let i = 0; i < jobs; i++) {
    if (i > 0 && i % perTick === 0) await sleep(Math.max(0, start + (i / perTick) * 100 - Date.now()));
    const { repo, labels } = POOL_JOBS[i % POOL_JOBS.length]!;
    sandbox.github.enqueueJob({ org: "acme", repo, labels: [...labels], durationMs: JOB_DURATION_MS });
  }
}
