import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { pino } from "pino";
import type { Sandbox } from "../../sandbox/sandbox.js";
import { startMayfly } from "../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../src/mayfly.js";
import { within } from "./wait-until.js";

export type BenchApp = Mayfly & { url: string };

/**
 * Mayfly in this process against a sandbox, logging (warn and up) to a file so the table stays readable.
 * `env` overrides the sandbox's test settings (e.g. back to the production defaults for intervals).
 */
export function startBenchApp(
  sandbox: Sandbox,
  env: Record<string, string>,
  logFile: string,
): Promise<BenchApp> {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = pino({ level: "warn" }, pino.destination({ dest: logFile, sync: true, append: false }));
  return startMayfly(sandbox, { env, mayfly: { log } });
}

/**
 * Stops the simulated agents first (their long bootstrap and poll requests would hold the app's server
 * open), then the app, then the emulators; a part that does not stop in time is left behind, not waited on.
 */
export async function stopAll(app: BenchApp | undefined, sandbox: Sandbox | undefined): Promise<void> {
  sandbox?.agents.stop();
  if (app) {
    app.server.closeAllConnections();
    await within(app.stop(), 15_000, "stopping the app").catch(() => undefined);
  }
  if (sandbox) await within(sandbox.stop(), 15_000, "stopping the sandbox").catch(() => undefined);
}
