import type { AppCredentials } from "./app-credentials.js";

/** Where setup mode keeps the App's credentials: `.env` locally, the stack's secret when deployed. */
export interface CredentialStore {
  /** Names the place, for the log and the setup page (never the values). */
  readonly where: string;
  save(credentials: AppCredentials): Promise<void>;
  /** Credentials another process stored, if any (a second replica finishing setup mode). */
  load(): Promise<AppCredentials | undefined>;
}
