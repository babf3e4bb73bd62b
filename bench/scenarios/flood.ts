import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Sandbox } from "../../sandbox/sandbox.js";
import { createTokenIssuer } from "../../src/bootstrap/token.js";
import { loadConfig } from "../../src/config.js";
import { type AppProcess, startAppProcess } from "../harness/app-process.js";
import { stopAll } from "../harness/bench-app.js";
import { startBenchSandbox } from "../harness/bench-sandbox.js";
import type { FigureSpec } from "../harness/figure.js";
import { plantLaunch } from "../harness/plant-launch.js";
import type { Scenario } from "../harness/scenario.js";
import { BenchTimeoutError, sleep } from "../harness/wait-until.js";
import type { FloodResult, FloodSpec } from "./flood-load.js";

/**
 * Enrolment under a flood (issue 10, finding 5): Mayfly (MAYFLY_ROLES=bootstrap, one trusted proxy hop)
 * in a child process; legitimate instances (planted through the EC2 API with a token of their own launch)
 * enrol over CONCURRENCY connections for up to WINDOW_S seconds (PER_PHASE of them), each from its own client address; then the
 * same again while a flood process sends FLOOD_RATE garbage requests a second from one client with
 * forged left-most X-Forwarded-For entries. Enrolments are bounded by GitHub's write budget for
 * generate-jitconfig, so the flood may cost them only if it reaches the budget or starves the app.
 */
const WINDOW_S = 30;
const CONCURRENCY = 16;
const PER_PHASE = 300;
const FLOOD_RATE = 500;

const FIGURES: FigureSpec[] = [
  { id: "quietPerSecond", label: "Flood: enrolments a second without a flood", unit: "req/s" },
  {
    id: "floodedPerSecond",
    label: `Flood: enrolments a second under ${FLOOD_RATE} garbage/s`,
    unit: "req/s",
  },
  {
    id: "ratioPercent",
    label: "Flood: enrolment rate under the flood, % of without",
    unit: "count",
    target: { op: ">=", value: 95, on: "worst", source: "issue 10: a flood must not starve instances" },
  },
  { id: "floodSentPerSecond", label: "Flood: garbage requests sent a second", unit: "req/s" },
];

export const flood: Scenario = {
  name: "flood",
  title: `enrolment under a flood: ${CONCURRENCY} instances at a time, ${WINDOW_S} s quiet then ${WINDOW_S} s under ${FLOOD_RATE} garbage req/s`,
  figures: FIGURES,
  runs: () => 1,
  runTimeoutMs: () => 4 * 60_000,
  async run(context) {
    let sandbox: Sandbox | undefined;
    let app: AppProcess | undefined;
    try {
      // Only planted instances here; their agents never enrol (the bench enrols them).
      sandbox = await startBenchSandbox(context.options.latency, { agentBehaviour: () => "never-bootstrap" });
      const env = { MAYFLY_ROLES: "bootstrap", MAYFLY_TRUSTED_PROXY_HOPS: "1", LOG_LEVEL: "warn" };
      const config = loadConfig({ env: await sandbox.env(env) });
      const tokens = createTokenIssuer({
        keys: config.bootstrap.keys,
        issuer: `mayfly:${config.deploymentId}`,
      });
      app = await startAppProcess(sandbox, { entry: "main", env, logFile: context.logPath("app.log") });
      const phase = async (name: string) => {
        const launch = `bench-flood-${name}`;
        const token = await tokens.issue({
          pool: "small",
          org: "acme",
          installation: sandbox!.installationId,
          launch,
          ttlSeconds: 3600,
        });
        const identities = await plantLaunch(sandbox!, launch, PER_PHASE);
        return { token, identities };
      };
      const quietSet = await phase("quiet");
      const floodSet = await phase("flooded");
      const callsBefore = jitCalls(sandbox);
      context.progress("quiet window");
      const quiet = await enrolFor(app.url, quietSet, 1);
      await sleep(5_000); // GitHub's write budget refills its burst, so both windows start alike.
      context.progress(`flood window (${FLOOD_RATE} req/s)`);
      const flooding = runFlood(
        { url: `${app.url}/bootstrap`, ratePerSecond: FLOOD_RATE, seconds: WINDOW_S + 4 },
        context.logPath("flood.log"),
      );
      await sleep(2_000);
      const flooded = await enrolFor(app.url, floodSet, 2);
      const floodResult = await flooding;
      const quietPerSecond = quiet.ok / WINDOW_S;
      const floodedPerSecond = flooded.ok / WINDOW_S;
      return {
        values: {
          quietPerSecond,
          floodedPerSecond,
          ratioPercent: (100 * floodedPerSecond) / quietPerSecond,
          floodSentPerSecond: floodResult.perSecond,
        },
        details: {
          quiet,
          flooded,
          flood: floodResult,
          jitConfigCalls: jitCalls(sandbox) - callsBefore,
          appRssMiB: app.rssMiB(),
        },
      };
    } finally {
      await app?.stop();
      await stopAll(undefined, sandbox);
    }
  },
};

function jitCalls(sandbox: Sandbox): number {
  return sandbox.github.stats().calls["POST /orgs/{org}/actions/runners/generate-jitconfig"] ?? 0;
}

/**
 * CONCURRENCY instances at a time ask for their config until the window closes or every instance has
 * asked; counts the 200s and the seconds they took.
 */
async function enrolFor(url: string, set: { token: string; identities: object[] }, net: number) {
  const deadline = Date.now() + WINDOW_S * 1000;
  const stop = AbortSignal.timeout(WINDOW_S * 1000);
  const statuses: Record<string, number> = {};
  let next = 0;
  let ok = 0;
  const worker = async () => {
    while (Date.now() < deadline && next < set.identities.length) {
      const i = next++;
      const res = await fetch(`${url}/bootstrap`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-forwarded-for": `10.${100 + net}.${i >> 8}.${i & 255}`,
        },
        body: JSON.stringify({ token: set.token, identity: set.identities[i] }),
        signal: stop,
      }).catch(() => undefined);
      if (!res) return;
      await res.body?.cancel();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 200 && Date.now() <= deadline) ok += 1;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { ok, statuses, seconds: (Math.min(Date.now(), deadline) - started) / 1000 };
}

const FLOOD_ENTRY = fileURLToPath(new URL("./flood-load.ts", import.meta.url));

function runFlood(spec: FloodSpec, logFile: string): Promise<FloodResult> {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = openSync(logFile, "w");
  const child = spawn(process.execPath, ["--import", "tsx", FLOOD_ENTRY], {
    stdio: ["ignore", log, log, "ipc"],
  });
  closeSync(log);
  return new Promise<FloodResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new BenchTimeoutError(`the flood generator did not report within 90 s (see ${logFile})`));
    }, 90_000);
    child.once("message", (message: { result?: FloodResult; error?: string }) => {
      clearTimeout(timer);
      if (message.result) resolve(message.result);
      else reject(new Error(`flood generator failed: ${message.error}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`flood generator exited with ${code} (see ${logFile})`));
    });
    child.send(spec);
  });
}
