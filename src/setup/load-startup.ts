import { type Config, type LoadConfigOptions, loadConfig } from "../config.js";
import { ConfigError } from "../errors.js";
import { type AppCredentials, CREDENTIAL_KEYS, hasCredentials } from "./app-credentials.js";

/**
 * How the process starts: with App credentials it runs; without them (no APP_ID) it starts in setup
 * mode, provided everything else is configured, so that the moment GitHub hands over the credentials
 * Mayfly can run. Setup mode needs PUBLIC_URL above all: every URL in the App's manifest is built on it.
 */
export type Startup =
  | { mode: "run"; config: Config }
  | {
      mode: "setup";
      /** The configuration with placeholder credentials: host, port, URLs and setup settings are real. */
      config: Config;
      configWith(credentials: AppCredentials): Config;
    };

// Shapes the schema accepts; never used to talk to GitHub (setup mode serves no webhook and no API call).
const PLACEHOLDER: AppCredentials = {
  APP_ID: "1",
  GITHUB_APP_SLUG: "setup-mode",
  PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\\nsetup-mode\\n-----END PRIVATE KEY-----",
  WEBHOOK_SECRET: "setup-mode-placeholder",
  GITHUB_CLIENT_ID: "setup-mode",
  GITHUB_CLIENT_SECRET: "setup-mode",
};

export function loadStartup(
  options: LoadConfigOptions & { env: Record<string, string | undefined> },
): Startup {
  const { env } = options;
  if (hasCredentials(env)) return { mode: "run", config: loadConfig(options) };
  const bare = { ...env };
  for (const key of [...CREDENTIAL_KEYS, "PRIVATE_KEY_PATH"]) if (!bare[key]?.trim()) delete bare[key];
  let config: Config;
  try {
    config = loadConfig({ ...options, env: { ...bare, ...PLACEHOLDER } });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(
      error.problems.map((p) =>
        p.key === "PUBLIC_URL" && bare.PUBLIC_URL === undefined
          ? {
              ...p,
              problem:
                "is missing, and setup mode needs it (the App's webhook, callback and setup URLs are built on it)",
            }
          : p,
      ),
    );
  }
  return {
    mode: "setup",
    config,
    configWith: (credentials) => loadConfig({ ...options, env: { ...bare, ...credentials } }),
  };
}
