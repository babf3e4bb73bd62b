import { createServer } from "node:net";
import type { Sandbox } from "../../sandbox/sandbox.js";
import type { EventKind } from "../../src/events/event-log.js";
import { type AppLog, RoleProcess } from "./role-process.js";
import type { Trace } from "./trace.js";

/**
 * Mayfly as three processes, one per role (webhooks + bootstrap, scaler, reaper), each killable alone.
 * The emulators stay in the test process: they are the outside world. Every role is configured with the
 * webhooks role's URL as PUBLIC_URL (user-data and the App's webhook point there), and the webhooks role
 * keeps its port across restarts so both stay valid. Denials are read back from the webhooks role's log,
 * which outlives its process, unlike the in-memory event log.
 */
const DENIED: EventKind = "policy.denied";
const CAUGHT: EventKind = "policy.violation";
const RERUN: EventKind = "spot.rerun";

export const CHAOS_ROLES = ["webhooks", "scaler", "reaper"] as const;
export type ChaosRole = (typeof CHAOS_ROLES)[number];

export interface Denial {
  jobId: number;
  reason: string;
  message: string;
}

export interface AppCluster {
  isRunning(role: ChaosRole): boolean;
  kill(role: ChaosRole): Promise<void>;
  start(role: ChaosRole): Promise<void>;
  /** Policy denials the webhooks role logged, by job id. */
  denials(): ReadonlyMap<number, Denial>;
  /** Jobs the webhooks role found running on a Mayfly runner although the policy denies them. */
  caughtOnRunners(): ReadonlySet<number>;
  /** The reaper's decisions on jobs cut short by a spot interruption (job id → reason), from any role's log. */
  spotReruns(): ReadonlyMap<number, string>;
  stop(): Promise<void>;
}

/** Log fields worth a place in the trace. */
const TRACE_FIELDS = [
  "jobId",
  "pool",
  "reason",
  "instanceId",
  "runnerName",
  "code",
  "afterSeconds",
  "reasons",
];
const LEVELS: Record<number, string> = { 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };

export async function startCluster(
  sandbox: Sandbox,
  trace: Trace,
  options: { nodeArgs: readonly string[]; env?: Record<string, string> },
): Promise<AppCluster> {
  const port = await stablePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const common = {
    LOG_LEVEL: "info",
    MAYFLY_SWEEP_INTERVAL: "5s",
    MAYFLY_RECHECK_INTERVAL: "10s",
    MAYFLY_REDELIVER_INTERVAL: "30s",
    AWS_ENDPOINT_URL_EC2: sandbox.ec2.url,
    AWS_ENDPOINT_URL_SQS: sandbox.sqs.url,
    AWS_ACCESS_KEY_ID: "sandbox",
    AWS_SECRET_ACCESS_KEY: "sandbox",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...options.env,
  };
  const denials = new Map<number, Denial>();
  const caught = new Set<number>();
  const reruns = new Map<number, string>();
  const processes = new Map<ChaosRole, RoleProcess>();
  for (const role of CHAOS_ROLES) {
    const env = await sandbox.env({
      ...common,
      MAYFLY_ROLES: role === "webhooks" ? "webhooks,bootstrap" : role,
      PORT: role === "webhooks" ? String(port) : "0",
      PUBLIC_URL: publicUrl,
    });
    const onLog = (log: AppLog, incarnation: number) => {
      trace.add(`${role}#${incarnation}`, describe(log));
      if (typeof log.msg !== "string" || typeof log.jobId !== "number") return;
      // The report kinds (src/report/report-table.ts) for a denial and for a denied job on a runner; the
      // kind is the log's `event` field, so rewording a message cannot blind the run.
      if (log.event === DENIED) {
        denials.set(log.jobId, { jobId: log.jobId, reason: String(log.reason ?? ""), message: log.msg });
      }
      if (log.event === CAUGHT) caught.add(log.jobId);
      if (log.event === RERUN) reruns.set(log.jobId, String(log.reason ?? ""));
    };
    processes.set(role, new RoleProcess(role, options.nodeArgs, env, onLog));
  }
  const get = (role: ChaosRole) => processes.get(role)!;
  sandbox.github.setWebhookUrl(sandbox.app.id, `${publicUrl}/api/github/webhooks`);
  // The reaper last: its redelivery passes (2 s after start, then every 30 s) then line up with the fault
  // window, which starts once every role is up (profiles.ts).
  await Promise.all([get("webhooks").start(), get("scaler").start()]);
  await get("reaper").start();

  return {
    isRunning: (role) => get(role).running,
    async kill(role) {
      trace.add("runner", `SIGKILL ${role}`);
      await get(role).kill();
    },
    async start(role) {
      trace.add("runner", `starting ${role}`);
      await get(role).start();
    },
    denials: () => denials,
    caughtOnRunners: () => caught,
    spotReruns: () => reruns,
    async stop() {
      await Promise.all([...processes.values()].map((p) => p.stop()));
    },
  };
}

function describe(log: AppLog): string {
  const level = LEVELS[log.level ?? 30] ?? String(log.level);
  const fields = TRACE_FIELDS.filter((k) => log[k] !== undefined).map(
    (k) => `${k}=${JSON.stringify(log[k])}`,
  );
  const err = log.err as { message?: string } | undefined;
  if (err?.message) fields.push(`err=${JSON.stringify(err.message.slice(0, 200))}`);
  return [level, log.msg ?? "", ...fields].join(" ");
}

/**
 * A free port below Linux's ephemeral range (32768–60999): while the webhooks role is down, nothing that
 * binds port 0 (other roles, emulators, other runs) can take it, so the restart gets it back.
 */
async function stablePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
