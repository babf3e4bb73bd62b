import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Sandbox } from "../../sandbox/sandbox.js";
import { type AppProcess, startAppProcess } from "../harness/app-process.js";
import { stopAll } from "../harness/bench-app.js";
import { startBenchSandbox } from "../harness/bench-sandbox.js";
import { captureQueuedPayload } from "../harness/capture-payload.js";
import type { FigureSpec } from "../harness/figure.js";
import type { Scenario, ScenarioRun } from "../harness/scenario.js";
import { BenchTimeoutError } from "../harness/wait-until.js";
import type { LoadResult, LoadSpec } from "./intake-load.js";

/**
 * Webhook intake (issues 3 and 7): Mayfly with MAYFLY_ROLES=webhooks in a child process (src/main.ts), SQS
 * emulator with its injected latency, and autocannon in another child posting signed `workflow_job`
 * deliveries (queued, in_progress, completed for distinct jobs; private repo, so no GitHub call) over
 * CONNECTIONS connections: a warm-up, then the measured run.
 */
const CONNECTIONS = 32;
const WARMUP_SECONDS = 1;
const SECONDS = 5;
const DELIVERIES = 12_000;

const FIGURES: FigureSpec[] = [
  {
    id: "deliveriesPerSecond",
    label: "Intake: signed deliveries per second (2xx)",
    unit: "req/s",
    target: {
      op: ">=",
      value: 100,
      on: "median",
      source: "1,000 queued webhooks answered within GitHub's 10 s",
    },
  },
  { id: "latencyP50", label: `Intake: answer p50 (${CONNECTIONS} connections)`, unit: "ms" },
  {
    id: "latencyP99",
    label: `Intake: answer p99 (${CONNECTIONS} connections)`,
    unit: "ms",
    target: { op: "<=", value: 10_000, on: "worst", source: "GitHub gives up after 10 s" },
  },
  {
    id: "non2xx",
    label: "Intake: non-2xx answers and errors",
    unit: "count",
    target: { op: "<=", value: 0, on: "worst", source: "a failed delivery waits for redelivery" },
  },
];

export const intake: Scenario = {
  name: "intake",
  title: `webhook intake: autocannon, ${CONNECTIONS} connections, ${SECONDS} s, app roles=webhooks`,
  figures: FIGURES,
  runs: (options) => options.runs,
  runTimeoutMs: () => 2 * 60_000,
  async run(context) {
    let sandbox: Sandbox | undefined;
    let app: AppProcess | undefined;
    try {
      sandbox = await startBenchSandbox(context.options.latency);
      const template = await captureQueuedPayload(sandbox);
      const { WEBHOOK_SECRET: secret = "" } = await sandbox.env();
      app = await startAppProcess(sandbox, {
        entry: "main",
        env: { MAYFLY_ROLES: "webhooks", LOG_LEVEL: "warn" },
        logFile: context.logPath("app.log"),
      });
      const result = await runLoad(
        {
          url: `${app.url}/api/github/webhooks`,
          secret,
          template,
          firstJobId: 5_000_000 + context.run * 100_000,
          connections: CONNECTIONS,
          warmupSeconds: WARMUP_SECONDS,
          seconds: SECONDS,
          deliveries: DELIVERIES,
        },
        context.logPath("load.log"),
      );
      return summarise(result, app.rssMiB());
    } finally {
      await app?.stop();
      await stopAll(undefined, sandbox);
    }
  },
};

const LOAD_ENTRY = fileURLToPath(new URL("./intake-load.ts", import.meta.url));

function runLoad(spec: LoadSpec, logFile: string): Promise<LoadResult> {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = openSync(logFile, "w");
  const child = spawn(process.execPath, ["--import", "tsx", LOAD_ENTRY], {
    stdio: ["ignore", log, log, "ipc"],
  });
  closeSync(log);
  return new Promise<LoadResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new BenchTimeoutError(`the load generator did not report within 60 s (see ${logFile})`));
    }, 60_000);
    child.once("message", (message: { type: string; result?: LoadResult; error?: string }) => {
      clearTimeout(timer);
      if (message.result) resolve(message.result);
      else reject(new Error(`load generator failed: ${message.error}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`load generator exited with ${code} (see ${logFile})`));
    });
    child.send(spec);
  });
}

function summarise(result: LoadResult, rssMiB: number): ScenarioRun {
  return {
    values: {
      deliveriesPerSecond: result.requestsPerSecond,
      latencyP50: result.latencyP50Ms,
      latencyP99: result.latencyP99Ms,
      non2xx: result.non2xx + result.errors + result.timeouts,
    },
    details: { ...result, appRssMiBAfter: rssMiB, connections: CONNECTIONS, seconds: SECONDS },
  };
}
