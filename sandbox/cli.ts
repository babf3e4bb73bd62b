import { parseArgs } from "node:util";
import { z } from "zod";
import { loadConfig } from "../src/config.js";
import { startSandbox } from "./sandbox.js";

/**
 * `npm run emulators`: the sandbox world (GitHub, EC2 with IMDS and simulated runner agents, SQS; org
 * `acme`, the App installed, FIFO queues) on loopback until SIGINT/SIGTERM. Prints exactly one JSON line
 * on stdout: the three URLs, the IMDS URL template, what a client needs (app and installation ids, queue
 * URLs), and `env`, the environment a Mayfly process needs to run against it (`npm run dev`); the App's
 * webhook already points at that process's PUBLIC_URL. Ports come from flags, else MAYFLY_EMULATOR_* env,
 * else random. Diagnostics go to stderr. As the sandbox's CLI entry it may read the environment.
 */

const port = z.coerce.number().int().min(0).max(65_535);
const optionsSchema = z.object({
  githubPort: port.default(0),
  ec2Port: port.default(0),
  sqsPort: port.default(0),
  appPort: port.default(3000),
  bootDelayMs: z.coerce.number().int().min(0).max(600_000).default(500),
});

const FLAGS = {
  "github-port": { key: "githubPort", env: "MAYFLY_EMULATOR_GITHUB_PORT" },
  "ec2-port": { key: "ec2Port", env: "MAYFLY_EMULATOR_EC2_PORT" },
  "sqs-port": { key: "sqsPort", env: "MAYFLY_EMULATOR_SQS_PORT" },
  "app-port": { key: "appPort", env: "MAYFLY_EMULATOR_APP_PORT" },
  "boot-delay-ms": { key: "bootDelayMs", env: "MAYFLY_EMULATOR_BOOT_DELAY_MS" },
} as const;

function readOptions(): z.infer<typeof optionsSchema> {
  const { values } = parseArgs({
    options: Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: "string" }] as const)),
    strict: true,
  });
  const raw = Object.fromEntries(
    Object.entries(FLAGS).map(([flag, { key, env }]) => [key, values[flag] ?? process.env[env]]),
  );
  const parsed = optionsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const flag = Object.entries(FLAGS).find(([, f]) => f.key === issue.path[0]);
    return `  --${flag?.[0]} (or ${flag?.[1].env}): ${issue.message}`;
  });
  throw new UsageError(`invalid options:\n${problems.join("\n")}`);
}

class UsageError extends Error {
  override name = "UsageError";
}

async function main(): Promise<void> {
  // The sandbox runs on the machine's Node 20 on purpose; the SDK's upgrade notice is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const options = readOptions();
  // Listen before starting anything: a signal during startup waits for it, then stops and cleans up.
  let onStop: ((signal: string) => void) | undefined;
  let stopAsked: string | undefined;
  const ask = (signal: string) => {
    if (onStop) onStop(signal);
    else stopAsked ??= signal;
  };
  process.on("SIGINT", () => ask("SIGINT"));
  process.on("SIGTERM", () => ask("SIGTERM"));

  const sandbox = await startSandbox({
    bootDelayMs: options.bootDelayMs,
    github: { port: options.githubPort },
    ec2: { port: options.ec2Port },
    sqs: { port: options.sqsPort },
  });
  let env: Record<string, string>;
  try {
    env = await sandbox.env({ PORT: String(options.appPort), NODE_ENV: "development", LOG_LEVEL: "info" });
    const webhookPath = loadConfig({ env }).github.webhookPath;
    sandbox.github.setWebhookUrl(sandbox.app.id, `${env.PUBLIC_URL}${webhookPath}`);
  } catch (error) {
    await sandbox.stop();
    throw error;
  }

  const line = {
    github: sandbox.github.url,
    ec2: sandbox.ec2.url,
    sqs: sandbox.sqs.url,
    imds: `${sandbox.ec2.url}/imds/{instanceId}`,
    region: sandbox.ec2.region,
    accountId: sandbox.ec2.accountId,
    org: sandbox.org,
    appId: sandbox.app.id,
    appSlug: sandbox.app.slug,
    installationId: sandbox.installationId,
    queues: sandbox.queues,
    users: { admin: "octo-admin", member: "octo-member" },
    env,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  process.stderr.write(`emulators running (org ${sandbox.org}); Ctrl-C to stop\n`);

  let stopping = false;
  onStop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping the emulators\n`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    sandbox.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  if (stopAsked) onStop(stopAsked);
}

main().catch((error: unknown) => {
  const usage =
    error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
  process.stderr.write(
    `emulators: ${usage ? (error as Error).message : ((error as Error).stack ?? error)}\n`,
  );
  process.exit(usage ? 2 : 1);
});
