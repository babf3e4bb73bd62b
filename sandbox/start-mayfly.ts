import { pino } from "pino";
import { loadConfig } from "../src/config.js";
import { createMayfly, type Mayfly, type MayflyOptions } from "../src/mayfly.js";
import type { Sandbox } from "./sandbox.js";

/**
 * Starts a Mayfly process in-process against a sandbox, with the real SDK clients and Probot pointed at
 * the emulators, and points the App's webhook at it.
 */
export async function startMayfly(
  sandbox: Sandbox,
  options: { env?: Record<string, string>; mayfly?: Partial<MayflyOptions> } = {},
): Promise<Mayfly & { url: string }> {
  const env = await sandbox.env(options.env);
  const config = loadConfig({ env });
  const mayfly = await createMayfly(config, {
    ec2: sandbox.ec2Client(),
    sqs: sandbox.sqsClient(),
    ssm: sandbox.ssmClient(),
    log: pino({ level: env.LOG_LEVEL ?? "warn" }),
    now: sandbox.clock.now,
    ...options.mayfly,
  });
  const url = await mayfly.start();
  sandbox.github.setWebhookUrl(sandbox.app.id, `${url}${config.github.webhookPath}`);
  return Object.assign(mayfly, { url });
}
