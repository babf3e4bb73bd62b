import { readFileSync } from "node:fs";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { pino } from "pino";
import { createSdkClients } from "./aws/sdk-clients.js";
import { type Config, readEnvironment } from "./config.js";
import { ConfigError } from "./errors.js";
import { createMayfly } from "./mayfly.js";
import { hasCredentials } from "./setup/app-credentials.js";
import type { CredentialStore } from "./setup/credential-store.js";
import { loadStartup, type Startup } from "./setup/load-startup.js";
import { resumeFromStore } from "./setup/resume-from-store.js";
import { createSecretsManagerStore, regionOfSecret } from "./setup/secrets-manager-store.js";
import { startApp } from "./setup/start-app.js";

/**
 * Process entry (`npm start`). The AWS clients are src/aws/sdk-clients.ts's.
 * Without App credentials it starts in setup mode (src/setup/start-app.ts).
 * SIGTERM/SIGINT: stop receiving, finish in-flight work, exit.
 */

const FIRST_STEPS = `Mayfly is not configured yet. Where to begin:
  - To try Mayfly with nothing to configure (local emulators of GitHub, EC2 and SQS): npm run demo
  - To register the GitHub App on your organization: set PUBLIC_URL and the settings above (.env.example
    lists them; a .env file here is loaded), leave APP_ID unset, and npm start again. Mayfly then starts
    in setup mode and creates the App for you (docs/deploy.md).`;
async function main(): Promise<void> {
  const env = readEnvironment();
  let startup: Startup;
  try {
    startup = loadStartup({ env });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${hasCredentials(env) ? "" : FIRST_STEPS}\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // Deployed by the stack (MAYFLY_APP_SECRET_ARN), credentials live in its secret: a task restarted after
  // setup mode reads them here and runs; setup mode writes them there (the root file system is read-only).
  let store: CredentialStore | undefined;
  const secretArn = startup.config.setup.appSecretArn;
  if (secretArn) {
    const secrets = new SecretsManagerClient({ region: regionOfSecret(secretArn) });
    store = createSecretsManagerStore(secrets, secretArn);
    startup = await resumeFromStore(startup, store);
  }
  const { config } = startup;
  const log = pino({ level: config.logLevel, base: { app: "mayfly" } });
  const build = (c: Config, server?: Parameters<typeof createMayfly>[1]["server"]) =>
    createMayfly(c, { ...createSdkClients(c), log, server });
  const mayfly = await startApp({
    startup,
    createMayfly: build,
    readFile: (path) => readFileSync(path, "utf8"),
    log,
    store,
  });
  log.info({ url: mayfly.url, publicUrl: config.publicUrl, mode: mayfly.mode() }, "listening");

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping: finishing in-flight work");
    const force = setTimeout(() => {
      log.error("in-flight work did not finish within 60 s; exiting");
      process.exit(1);
    }, 60_000);
    force.unref();
    mayfly.stop().then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, "error while stopping");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error) => {
  process.stderr.write(`mayfly failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
