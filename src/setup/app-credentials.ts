/**
 * What GitHub's manifest conversion hands over, as the environment variables Mayfly reads. The same keys
 * go into `.env` and into the stack's Secrets Manager secret (infra/lib/app-secrets.ts).
 */
export const CREDENTIAL_KEYS = [
  "APP_ID",
  "GITHUB_APP_SLUG",
  "PRIVATE_KEY",
  "WEBHOOK_SECRET",
  "GITHUB_CLIENT_ID",
  "GITHUB_CLIENT_SECRET",
] as const;

export type AppCredentials = Record<(typeof CREDENTIAL_KEYS)[number], string>;

/** Credentials exist once APP_ID has a value (the stack's secret starts with empty strings). */
export function hasCredentials(env: Record<string, string | undefined>): boolean {
  return (env.APP_ID ?? "").trim() !== "";
}
