import { randomBytes } from "node:crypto";
import type { Sandbox } from "../../sandbox/sandbox.js";
import { type BenchApp, startBenchApp, stopAll } from "../harness/bench-app.js";
import { startBenchSandbox } from "../harness/bench-sandbox.js";
import { createRunner } from "../harness/create-runner.js";
import type { FigureSpec } from "../harness/figure.js";
import { installationToken } from "../harness/installation-token.js";
import { PLANTED_TAG, plantInstances } from "../harness/plant-instances.js";
import type { Scenario, ScenarioRun } from "../harness/scenario.js";
import { sleep, waitUntil } from "../harness/wait-until.js";

/**
 * Drift (issue 4): an orphan instance (tagged as Mayfly's, never registers a runner) and an orphan runner
 * (Mayfly's name prefix, no instance) are planted; the level-triggered sweep must remove both. Config:
 * MAYFLY_SWEEP_INTERVAL=5s and the sandbox pools' 30 s boot timeout. The clock shared by the app and the
 * EC2 emulator jumps past the boot timeout at once, so the instance figure is 30 s plus the measured
 * wait for a sweep. Each run starts at a different point of the sweep cycle; the worst run is the figure.
 */
const BOOT_TIMEOUT_S = 30;
const SWEEP_INTERVAL_S = 5;
/** A sweep's own calls (runner list, DescribeInstances, TerminateInstances) with the injected latency. */
const SWEEP_WORK_S = 2;

const FIGURES: FigureSpec[] = [
  {
    id: "orphanInstanceSeconds",
    label: "Drift: orphan instance created → terminated",
    unit: "s",
    target: {
      op: "<=",
      value: BOOT_TIMEOUT_S + SWEEP_INTERVAL_S + SWEEP_WORK_S,
      on: "worst",
      source: "boot timeout + sweep interval + a sweep's calls",
    },
  },
  {
    id: "orphanRunnerSeconds",
    label: "Drift: orphan runner created → removed",
    unit: "s",
    target: {
      op: "<=",
      value: SWEEP_INTERVAL_S + SWEEP_WORK_S,
      on: "worst",
      source: "sweep interval + a sweep's calls",
    },
  },
];

export const drift: Scenario = {
  name: "drift",
  title: `orphans removed by the sweep (interval ${SWEEP_INTERVAL_S} s, boot timeout ${BOOT_TIMEOUT_S} s)`,
  figures: FIGURES,
  runs: (options) => options.runs,
  runTimeoutMs: () => 90_000,
  async run(context) {
    let sandbox: Sandbox | undefined;
    let app: BenchApp | undefined;
    try {
      sandbox = await startBenchSandbox(context.options.latency, {
        bootDelayMs: 300,
        agentBehaviour: (instance) => (instance.tags[PLANTED_TAG] ? "never-bootstrap" : "normal"),
      });
      app = await startBenchApp(
        sandbox,
        { MAYFLY_SWEEP_INTERVAL: `${SWEEP_INTERVAL_S}s` },
        context.logPath("app.log"),
      );
      // After the first sweep (1 s after start), each run plants at a different phase of the cycle.
      await sleep(1_500 + ((context.run * 1_700) % (SWEEP_INTERVAL_S * 1000)));
      return await measure(sandbox, context.signal);
    } finally {
      await stopAll(app, sandbox);
    }
  },
};

async function measure(sandbox: Sandbox, signal: AbortSignal): Promise<ScenarioRun> {
  const token = await installationToken(sandbox);
  const removed = { instance: 0, runner: 0 };
  const runnerName = `mayfly-i-${randomBytes(9).toString("hex").slice(0, 17)}`;
  const offEc2 = sandbox.ec2.onInstanceStateChange((instance) => {
    if (instance.tags[PLANTED_TAG] && instance.state === "shutting-down") removed.instance = Date.now();
  });
  const offGitHub = sandbox.github.onEvent((event) => {
    if (event.type === "runner.removed" && event.runner.name === runnerName) removed.runner = Date.now();
  });
  try {
    const [instanceId] = await plantInstances(sandbox, 1);
    const plantedAt = Date.now();
    sandbox.clock.advance(BOOT_TIMEOUT_S * 1000 + 1);
    await createRunner(sandbox, token, runnerName);
    const runnerAt = Date.now();
    await waitUntil("the sweep to remove both orphans", () => removed.instance > 0 && removed.runner > 0, {
      timeoutMs: 30_000,
      signal,
      progress: () =>
        `instance ${instanceId} ${removed.instance ? "terminated" : "still up"}, runner ${runnerName} ${removed.runner ? "removed" : "still there"}`,
    });
    return {
      values: {
        orphanInstanceSeconds: BOOT_TIMEOUT_S + (removed.instance - plantedAt) / 1000,
        orphanRunnerSeconds: (removed.runner - runnerAt) / 1000,
      },
      details: {
        config: { MAYFLY_SWEEP_INTERVAL: `${SWEEP_INTERVAL_S}s`, bootTimeout: `${BOOT_TIMEOUT_S}s` },
      },
    };
  } finally {
    offEc2();
    offGitHub();
  }
}
