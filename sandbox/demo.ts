import { randomInt } from "node:crypto";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { z } from "zod";
import type { Mayfly } from "../src/mayfly.js";
import { type Sandbox, startSandbox } from "./sandbox.js";
import { startMayfly } from "./start-mayfly.js";
import { startTraffic, type Traffic } from "./traffic/start-traffic.js";

/**
 * `npm run demo`: no AWS and no GitHub. The emulators, the app with every role, and seeded traffic (bursts,
 * three pools, cancellations, denied jobs, a spot outage, a spot interruption), until Ctrl-C or `--duration` seconds; then
 * everything stops and the sandbox's temporary directory is removed. The banner and a status line every
 * 10 s go to stdout; the app's warnings go to stderr.
 */

const optionsSchema = z.object({
  port: z.coerce.number().int().min(1).max(65_535).default(3000),
  duration: z.coerce.number().positive().optional(),
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(() => randomInt(2 ** 32 - 1)),
  rate: z.coerce.number().min(0).max(600).default(30),
});
type DemoOptions = z.infer<typeof optionsSchema>;

const USAGE = "usage: npm run demo -- [--port 3000] [--duration <seconds>] [--seed <n>] [--rate <jobs/min>]";
const STATUS_EVERY_MS = 10_000;

function readOptions(): DemoOptions {
  const flag = { type: "string" } as const;
  const { values } = parseArgs({
    options: { port: flag, duration: flag, seed: flag, rate: flag },
    strict: true,
  });
  const parsed = optionsSchema.safeParse(values);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `  --${String(i.path[0])}: ${i.message}`);
  throw new UsageError(`${USAGE}\n${problems.join("\n")}`);
}

class UsageError extends Error {
  override name = "UsageError";
}

function banner(o: DemoOptions, url: string, sandbox: Sandbox, token: string | undefined): string {
  const api = token
    ? `curl -H "authorization: Bearer ${token}" ${url}/api/v1/runners`
    : "(no MAYFLY_DASHBOARD_TOKEN set)";
  return [
    "",
    `Mayfly demo: GitHub, EC2 and SQS emulators, the app with every role, and job traffic (seed ${o.seed}).`,
    "",
    `  Dashboard  ${url}/dashboard`,
    `  Sign in    open the dashboard; the GitHub emulator asks who you are: pick "Sign in as octo-admin"`,
    `             (an org admin; octo-member is refused, as a non-admin would be)`,
    `  API        ${api}`,
    `  Metrics    ${url}/metrics`,
    `  Emulators  GitHub ${sandbox.github.url}  EC2 ${sandbox.ec2.url}  SQS ${sandbox.sqs.url}`,
    "",
    o.duration ? `Stopping by itself after ${o.duration} s (or Ctrl-C).` : "Ctrl-C stops everything.",
    "",
  ].join("\n");
}

async function statusLine(startedAt: number, sandbox: Sandbox, mayfly: Mayfly, traffic: Traffic) {
  const seconds = Math.round((Date.now() - startedAt) / 1000);
  const clock = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  const runners = sandbox.github.runners(sandbox.org);
  const busy = runners.filter((r) => r.busy).length;
  const live = sandbox.ec2.instances().filter((i) => i.state === "pending" || i.state === "running");
  const onDemand = live.filter((i) => i.market === "on-demand").length;
  const jobs = { queued: 0, in_progress: 0, completed: 0 };
  for (const job of sandbox.github.jobs()) jobs[job.status]++;
  const decisions = (await mayfly.metrics.policyDecisions.get()).values;
  const denied = decisions.reduce((sum, v) => sum + (v.labels.decision === "deny" ? v.value : 0), 0);
  const { errors } = traffic.stats();
  return (
    `[${clock}] runners ${runners.length} (${busy} busy) · instances ${live.length} (${onDemand} on-demand)` +
    ` · jobs ${jobs.completed} done, ${jobs.in_progress} running, ${jobs.queued} waiting · ${denied} denied` +
    (errors ? ` · ${errors} traffic errors` : "")
  );
}

async function main(): Promise<void> {
  // The sandbox runs on the machine's Node 20 on purpose; the SDK's upgrade notice is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const o = readOptions();
  const out = (line: string) => process.stdout.write(`${line}\n`);
  // Listen before starting anything: a Ctrl-C during startup waits for it, then stops and cleans up.
  let onStop: ((why: string) => void) | undefined;
  let stopAsked: string | undefined;
  const ask = (why: string) => {
    if (onStop) onStop(why);
    else stopAsked ??= why;
  };
  process.on("SIGINT", () => ask("Ctrl-C"));
  process.on("SIGTERM", () => ask("SIGTERM"));

  const sandbox = await startSandbox({ bootDelayMs: 2_000 });
  let mayfly: Mayfly;
  try {
    mayfly = await startMayfly(sandbox, {
      env: { PORT: String(o.port), LOG_LEVEL: "warn", NODE_ENV: "development" },
      // Keep stdout for the banner and status lines.
      mayfly: { log: pino({ level: "warn", base: { app: "mayfly" } }, pino.destination(2)) },
    });
  } catch (error) {
    await sandbox.stop();
    if ((error as { code?: string }).code === "EADDRINUSE")
      throw new UsageError(`port ${o.port} is in use; pick another with --port`);
    throw error;
  }
  const traffic = startTraffic(sandbox, {
    seed: o.seed,
    ratePerMinute: o.rate,
    spotInterruption: true,
    onAction: (action, result) => {
      if (action.kind === "capacity") out(`  spot outage: ${action.note}`);
      if (action.kind === "interrupt" && result.instanceId)
        out(`  spot interruption: ${result.instanceId} (pool ${action.pool}) warned; terminated in 2 min`);
    },
  });
  const startedAt = Date.now();
  out(banner(o, mayfly.config.publicUrl, sandbox, mayfly.config.dashboard.token));
  const status = setInterval(
    () =>
      statusLine(startedAt, sandbox, mayfly, traffic).then(out, (error: unknown) =>
        process.stderr.write(`demo: no status: ${(error as Error).message}\n`),
      ),
    STATUS_EVERY_MS,
  );

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    out(`${why}: stopping traffic, the app and the emulators…`);
    setTimeout(() => process.exit(1), 20_000).unref();
    clearInterval(status);
    traffic.stop();
    await mayfly.stop();
    await sandbox.stop();
    out("Stopped; nothing left behind.");
    process.exit(0);
  };
  onStop = (why: string) =>
    void stop(why).catch((error: unknown) => {
      process.stderr.write(`demo: error while stopping: ${(error as Error).stack ?? error}\n`);
      process.exit(1);
    });
  if (stopAsked) return onStop(stopAsked);
  if (o.duration) setTimeout(() => ask(`${o.duration} s passed`), o.duration * 1000).unref();
}

main().catch((error: unknown) => {
  const usage =
    error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
  process.stderr.write(`demo: ${usage ? (error as Error).message : ((error as Error).stack ?? error)}\n`);
  process.exit(usage ? 2 : 1);
});
