import type { CredentialStore } from "./credential-store.js";
import type { Startup } from "./load-startup.js";

/**
 * A task restarted after setup mode finished has no credentials in its environment, but the store has
 * them: read them once at start and run, instead of serving /setup again. Without stored credentials
 * the startup stays in setup mode.
 */
export async function resumeFromStore(startup: Startup, store: CredentialStore): Promise<Startup> {
  if (startup.mode === "run") return startup;
  const credentials = await store.load();
  if (!credentials) return startup;
  return { mode: "run", config: startup.configWith(credentials) };
}
