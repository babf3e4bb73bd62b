import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { createMayfly } from "../src/mayfly.js";
import { CREDENTIAL_KEYS } from "../src/setup/app-credentials.js";
import { loadStartup } from "../src/setup/load-startup.js";
import { type RunningApp, startApp } from "../src/setup/start-app.js";
import type { Sandbox } from "./sandbox.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Starts Mayfly against a sandbox the way a new user starts it: everything configured except the GitHub
 * App, so it comes up in setup mode and writes the App's credentials to `<dir>/.env`. The sandbox's own
 * App stays registered but Mayfly never learns of it (it has no webhook URL, so GitHub sends it nothing).
 */
export async function startSetupMode(
  sandbox: Sandbox,
  options: { dir: string; setupToken: string; env?: Record<string, string> },
): Promise<RunningApp & { publicUrl: string; envFile: string }> {
  const envFile = join(options.dir, ".env");
  const env: Record<string, string | undefined> = await sandbox.env({
    MAYFLY_SETUP_TOKEN: options.setupToken,
    MAYFLY_ENV_FILE: envFile,
    MAYFLY_APP_MANIFEST_PATH: join(ROOT, "app.yml"),
    ...options.env,
  });
  for (const key of CREDENTIAL_KEYS) delete env[key];
  const log = pino({ level: env.LOG_LEVEL ?? "warn" });
  const app = await startApp({
    startup: loadStartup({ env }),
    createMayfly: (config, server) =>
      createMayfly(config, {
        ec2: sandbox.ec2Client(),
        sqs: sandbox.sqsClient(),
        ssm: sandbox.ssmClient(),
        log,
        now: sandbox.clock.now,
        server,
      }),
    readFile: (path) => readFileSync(path, "utf8"),
    log,
  });
  return Object.assign(app, { publicUrl: env.PUBLIC_URL ?? "", envFile });
}
