import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { type ConvertManifestCode, createManifestConversion } from "../github/app-manifest-conversion.js";
import { createHttpApp } from "../http/create-http-app.js";
import type { Mayfly } from "../mayfly.js";
import type { AppCredentials } from "./app-credentials.js";
import type { CredentialStore } from "./credential-store.js";
import { createEnvFileStore } from "./env-file-store.js";
import type { Startup } from "./load-startup.js";
import { readAppYml } from "./read-app-yml.js";
import { createSetupGuard } from "./setup-guard.js";
import { mountSetupRoutes } from "./setup-routes.js";

/**
 * Starts Mayfly, or setup mode when there are no App credentials. Setup mode serves on the port Mayfly
 * will use; once the credentials are stored (by this process, or by another replica into the shared
 * store, noticed by polling) Mayfly starts on the same server, so no request finds the port closed.
 */
export interface StartAppDeps {
  startup: Startup;
  createMayfly(config: Config, server?: Server): Promise<Mayfly>;
  readFile(path: string): string;
  log: Logger;
  store?: CredentialStore;
  convert?: ConvertManifestCode;
  /** How often setup mode looks for credentials another replica stored. */
  pollMs?: number;
}

export interface RunningApp {
  readonly url: string;
  mode(): "setup" | "run";
  /** Resolves with Mayfly once it runs (at once when started with credentials). */
  readonly running: Promise<Mayfly>;
  stop(): Promise<void>;
}

export async function startApp(deps: StartAppDeps): Promise<RunningApp> {
  const { startup, log } = deps;
  if (startup.mode === "run") {
    const mayfly = await deps.createMayfly(startup.config);
    const url = await mayfly.start();
    return { url, mode: () => "run", running: Promise.resolve(mayfly), stop: () => mayfly.stop() };
  }
  const { config } = startup;
  const appYml = readAppYml(deps.readFile(config.setup.manifestPath), config.setup.manifestPath);
  const store = deps.store ?? createEnvFileStore(config.setup.envFile);
  const token = config.setup.token ?? randomBytes(24).toString("base64url");
  let mayfly: Mayfly | undefined;
  let resolveRunning!: (m: Mayfly) => void;
  const running = new Promise<Mayfly>((resolve) => {
    resolveRunning = resolve;
  });
  let server: Server | undefined;
  const configured = async (credentials: AppCredentials) => {
    if (mayfly || !server) return;
    clearInterval(poll);
    mayfly = await deps.createMayfly(startup.configWith(credentials), server);
    await mayfly.start();
    log.info("setup mode ended: Mayfly is running");
    resolveRunning(mayfly);
  };

  const http = createHttpApp(log);
  mountSetupRoutes(http, {
    publicUrl: config.publicUrl,
    webhookPath: config.github.webhookPath,
    webUrl: config.github.webUrl,
    appYml,
    guard: createSetupGuard({ token, publicUrl: config.publicUrl }),
    convert: deps.convert ?? createManifestConversion({ apiUrl: config.github.apiUrl }),
    store,
    configured,
    log: log.child({ role: "setup" }),
  });
  server = createServer(getRequestListener(http.fetch));
  await new Promise<void>((resolve, reject) => {
    server?.once("error", reject);
    server?.listen(config.port, config.host, () => resolve());
  });
  const poll = setInterval(() => {
    store.load().then(
      (credentials) => (credentials ? configured(credentials) : undefined),
      (error) => log.warn({ err: error }, "setup: cannot read the credential store"),
    );
  }, deps.pollMs ?? 30_000);
  poll.unref();
  // A generated token is logged on purpose: it is how the admin proves to setup mode that they run this process,
  // and it opens nothing once the App exists.
  log.warn(
    {
      setupUrl: `${config.publicUrl}/setup`,
      // A token given in MAYFLY_SETUP_TOKEN (the stack's generated secret) is read where it is kept.
      setupToken: config.setup.token ? "from MAYFLY_SETUP_TOKEN" : token,
      store: store.where,
    },
    "SETUP MODE: no GitHub App credentials. Open setupUrl and enter setupToken to register the App",
  );
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`,
    mode: () => (mayfly ? "run" : "setup"),
    running,
    async stop() {
      clearInterval(poll);
      if (mayfly) return mayfly.stop();
      await new Promise<void>((resolve) => {
        server?.close(() => resolve());
        server?.closeAllConnections();
      });
    },
  };
}
