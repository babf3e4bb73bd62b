import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Sandbox } from "../../sandbox/sandbox.js";
import { BenchTimeoutError, sleep, waitUntil } from "./wait-until.js";

/**
 * Mayfly in a child process against the bench's sandbox, so the app has an event loop (and a core) of its
 * own, as in production. `main` is the production entry (src/main.ts); `instrumented` is
 * bench/harness/app-child.ts, the same app that also hands exact latency samples back over IPC.
 */
export interface AppReport {
  launchLatencySeconds: number[];
  revokeSeconds: number[];
  /** Event kind (":reason" when there is one) → count. */
  events: Record<string, number>;
}

export interface AppProcess {
  url: string;
  pid: number;
  /** Resident set size from /proc/<pid>/status (VmRSS), in MiB. */
  rssMiB(): number;
  /** Peak resident set size since the process started (VmHWM), in MiB. */
  peakRssMiB(): number;
  /** CPU time the process has used, user + system, from /proc/<pid>/stat, in seconds. */
  cpuSeconds(): number;
  report(): Promise<AppReport>;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ENTRIES = {
  main: "src/main.ts",
  instrumented: "bench/harness/app-child.ts",
} as const;
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

export async function startAppProcess(
  sandbox: Sandbox,
  options: {
    entry: keyof typeof ENTRIES;
    env: Record<string, string>;
    logFile: string;
    /** Flags for node itself, e.g. --cpu-prof. */
    nodeArgs?: readonly string[];
    /** A compiled entry (compile-app.ts) run with plain node, as production runs; else `entry` under tsx. */
    compiledEntry?: string;
  },
): Promise<AppProcess> {
  const env: Record<string, string> = {
    ...(await sandbox.env(options.env)),
    AWS_ENDPOINT_URL_EC2: sandbox.ec2.url,
    AWS_ENDPOINT_URL_SQS: sandbox.sqs.url,
    AWS_ACCESS_KEY_ID: "sandbox",
    AWS_SECRET_ACCESS_KEY: "sandbox",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = openSync(options.logFile, "w");
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      ...(options.compiledEntry ? [options.compiledEntry] : ["--import", "tsx", ENTRIES[options.entry]]),
    ],
    {
      cwd: ROOT,
      env,
      stdio: ["ignore", log, log, "ipc"],
    },
  );
  closeSync(log);
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => live.delete(child));
  // PUBLIC_URL may be a proxy in front of several replicas; readiness is asked of this process itself.
  const url = env.PUBLIC_URL!;
  const ownUrl = `http://127.0.0.1:${env.PORT}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const done = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
    if (!done) child.kill("SIGKILL");
    await exited;
  };
  try {
    await waitUntil("the app process to be ready", () => ready(ownUrl, child, options.logFile), {
      timeoutMs: 60_000,
      everyMs: 200,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  sandbox.github.setWebhookUrl(sandbox.app.id, `${url}/api/github/webhooks`);
  return {
    url,
    pid: child.pid ?? 0,
    rssMiB: () => readRssMiB(child.pid ?? 0),
    peakRssMiB: () => readRssMiB(child.pid ?? 0, "VmHWM"),
    cpuSeconds: () => readCpuSeconds(child.pid ?? 0),
    report: () => requestReport(child),
    stop,
  };
}

async function ready(url: string, child: ChildProcess, logFile: string): Promise<boolean> {
  if (child.exitCode !== null) {
    const tail = readFileSync(logFile, "utf8").slice(-1500);
    throw new Error(`the app process exited with ${child.exitCode} before it was ready:\n${tail}`);
  }
  const res = await fetch(`${url}/readyz`).catch(() => undefined);
  return res?.status === 200;
}

function requestReport(child: ChildProcess): Promise<AppReport> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off("message", onMessage);
      reject(new BenchTimeoutError("the app process did not send its report within 10 s"));
    }, 10_000);
    const onMessage = (message: unknown) => {
      if ((message as { type?: string }).type !== "report") return;
      clearTimeout(timer);
      child.off("message", onMessage);
      resolve(message as AppReport);
    };
    child.on("message", onMessage);
    child.send({ type: "report" });
  });
}

export function readRssMiB(pid: number, field: "VmRSS" | "VmHWM" = "VmRSS"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, "m").exec(status)?.[1];
  if (!kb) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(kb) / 1024;
}

/** Clock ticks per second for /proc/<pid>/stat (USER_HZ, 100 on Linux: proc(5)). */
const USER_HZ = 100;

/** utime + stime (fields 14 and 15 of /proc/<pid>/stat, after the parenthesised name), in seconds. */
export function readCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}
