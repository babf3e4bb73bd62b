import { z } from "zod";
import { durationSeconds } from "./duration.js";

/**
 * The environment's schema: every variable Mayfly reads, its rule and its default (secrets have none),
 * the rules that span variables, and the fix to print for each. `src/config.ts` applies it.
 */

/** `bootstrap` serves POST /bootstrap (the only role runners reach); `all` names every role. */
export const ROLES = ["webhooks", "bootstrap", "scaler", "reaper", "dashboard"] as const;
export type Role = (typeof ROLES)[number];

// `abort` stops an empty value from also failing the length rule: one problem, reported once.
const secret = (minBytes: number, what: string) =>
  z
    .string()
    .min(1, { error: "is empty", abort: true })
    .refine((v) => decodeSecret(v).length >= minBytes, `must hold at least ${minBytes} bytes (${what})`);

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const url = z.url({ protocol: /^https?$/ }).transform((v) => v.replace(/\/+$/, ""));

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  MAYFLY_ROLES: z
    .string()
    .default(ROLES.join(","))
    .transform((v) =>
      v
        .split(",")
        .map((r) => r.trim())
        .filter(Boolean)
        .flatMap((r) => (r === "all" ? [...ROLES] : [r])),
    )
    .pipe(z.array(z.enum(ROLES)).min(1)),
  /**
   * Proxies in front of the app that append to X-Forwarded-For (the stack's ALB: 1). 0 = use the socket
   * address; N = the client is the N-th entry from the right (entries left of it can be forged).
   */
  MAYFLY_TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(0),
  PUBLIC_URL: url,
  MAYFLY_POOLS_FILE: z.string().min(1),
  MAYFLY_DEPLOYMENT_ID: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$/)
    .default("mayfly"),
  MAYFLY_RUNNER_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}-$/)
    .default("mayfly-"),
  MAYFLY_LAUNCH_TEMPLATE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9()./_-]{1,100}$/)
    .optional(),

  APP_ID: z.coerce.number().int().positive(),
  GITHUB_APP_SLUG: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, "must be the App's slug, e.g. mayfly-acme")
    .optional(),
  PRIVATE_KEY: z.string().min(1).optional(),
  PRIVATE_KEY_PATH: z.string().min(1).optional(),
  WEBHOOK_SECRET: secret(16, "use a long random string"),
  WEBHOOK_PATH: z.string().startsWith("/").default("/api/github/webhooks"),
  GITHUB_API_URL: url.default("https://api.github.com"),
  GITHUB_WEB_URL: url.default("https://github.com"),
  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  GITHUB_WRITE_POINTS_PER_MINUTE: z.coerce.number().int().min(5).max(900).default(875),
  GITHUB_APPS_FILE: z.string().min(1).optional(),
  GITHUB_RUNNER_REGISTRATIONS_PER_5_MINUTES: z.coerce.number().int().min(10).max(1_000_000).default(1500),
  MAYFLY_REPLICAS: z.coerce.number().int().min(1).max(100).default(1),
  /** GETs a minute intake may spend asking GitHub about installation ids it does not know (ADR 0009). */
  MAYFLY_INSTALLATION_LOOKUPS_PER_MINUTE: z.coerce.number().int().min(1).max(600).default(30),

  AWS_REGION: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be a region like us-east-1"),
  AWS_ACCOUNT_ID: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id"),
  MAYFLY_QUEUE: z.enum(["sqs", "memory"]).default("sqs"),
  MAYFLY_SCALE_QUEUE_URL: url.optional(),
  MAYFLY_REAP_QUEUE_URL: url.optional(),
  MAYFLY_DEAD_LETTER_QUEUE_URL: url.optional(),
  MAYFLY_IDENTITY_CERT_PATH: z.string().min(1),
  MAYFLY_BOOTSTRAP_KEY: secret(32, "generate with: openssl rand -base64 48"),
  MAYFLY_BOOTSTRAP_KEY_PREVIOUS: secret(32, "the key you are rotating away from").optional(),

  MAYFLY_LAUNCH_BATCH_WINDOW: durationSecondsMs(0, 5_000).default(100),
  MAYFLY_RECHECK_INTERVAL: durationSeconds(10, 3600).default(60),
  MAYFLY_RECHECK_BUDGET_PER_HOUR: z.coerce.number().int().min(60).max(15_000).default(1200),
  MAYFLY_CHECK_JOB_QUEUED: bool.default(true),
  MAYFLY_MAX_LAUNCHES_PER_JOB: z.coerce.number().int().min(1).max(20).default(3),
  MAYFLY_ENFORCE_POLICY_ON_RUNNERS: bool.default(true),
  MAYFLY_SWEEP_INTERVAL: durationSeconds(5, 3600).default(60),
  MAYFLY_REDELIVER_INTERVAL: durationSeconds(30, 86_400).default(300),

  MAYFLY_SETUP_TOKEN: secret(24, "generate with: openssl rand -base64 32").optional(),
  MAYFLY_APP_MANIFEST_PATH: z.string().min(1).default("app.yml"),
  MAYFLY_ENV_FILE: z.string().min(1).default(".env"),
  MAYFLY_APP_SECRET_ARN: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/,
      "must be a Secrets Manager secret ARN",
    )
    .optional(),

  MAYFLY_SESSION_KEY: secret(32, "generate with: openssl rand -base64 48").optional(),
  MAYFLY_DASHBOARD_TOKEN: secret(24, "generate with: openssl rand -base64 32").optional(),
  /** Bearer token Prometheus presents to /metrics; unset = /metrics refuses every request. */
  MAYFLY_METRICS_TOKEN: secret(24, "generate with: openssl rand -base64 32").optional(),
  MAYFLY_DASHBOARD_TEAM: z
    .string()
    .regex(/^[^/\s]+\/[^/\s]+$/, "must be org/team-slug")
    .optional(),
});

/**
 * Rules that span variables. Plain code over the raw environment, not a zod refinement: zod skips an
 * object's refinements once any field has failed, and startup must list every problem at once.
 * Only unset variables count as missing here; a set but malformed one is the schema's to report.
 */
export function crossFieldProblems(
  env: Record<string, string | undefined>,
): { key: string; problem: string }[] {
  const problems: { key: string; problem: string }[] = [];
  const unset = (key: string) => env[key] === undefined;
  if (unset("PRIVATE_KEY") && unset("PRIVATE_KEY_PATH")) {
    problems.push({ key: "PRIVATE_KEY", problem: "is missing (and so is PRIVATE_KEY_PATH)" });
  }
  const queue = env.MAYFLY_QUEUE ?? "sqs";
  if (queue === "sqs") {
    for (const key of ["MAYFLY_SCALE_QUEUE_URL", "MAYFLY_REAP_QUEUE_URL", "MAYFLY_DEAD_LETTER_QUEUE_URL"]) {
      if (unset(key)) problems.push({ key, problem: "is missing (MAYFLY_QUEUE=sqs)" });
    }
  }
  if (env.NODE_ENV === "production" && queue === "memory") {
    problems.push({ key: "MAYFLY_QUEUE", problem: "is memory in production, which loses jobs on restart" });
  }
  const roles = (env.MAYFLY_ROLES ?? ROLES.join(",")).split(",").map((r) => r.trim());
  if ((roles.includes("dashboard") || roles.includes("all")) && unset("MAYFLY_DASHBOARD_TOKEN")) {
    for (const key of ["GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "MAYFLY_SESSION_KEY"]) {
      if (unset(key)) problems.push({ key, problem: "is missing (needed for dashboard sign-in)" });
    }
  }
  return problems;
}

function durationSecondsMs(min: number, max: number) {
  return z.coerce.number().int().min(min).max(max);
}

export const FIXES: Record<string, string> = {
  PUBLIC_URL: "set the https URL where GitHub and runners reach this app, e.g. https://mayfly.example.com",
  MAYFLY_POOLS_FILE: "point it at your pool file (see mayfly.example.yml)",
  APP_ID:
    "leave APP_ID unset to start in setup mode (docs/deploy.md), or set the numeric App ID from the App's settings page",
  PRIVATE_KEY: "set PRIVATE_KEY to the App's PEM key, or PRIVATE_KEY_PATH to its file",
  WEBHOOK_SECRET: "set the App's webhook secret (openssl rand -hex 32), the same in GitHub's App settings",
  AWS_REGION: "set the region the runners launch in, e.g. us-east-1",
  AWS_ACCOUNT_ID:
    "set the 12-digit account id the runners launch in (instance identity is checked against it)",
  MAYFLY_IDENTITY_CERT_PATH:
    "point it at AWS's RSA certificate for your region (docs/identity-certificates.md)",
  MAYFLY_BOOTSTRAP_KEY: "set a random key: openssl rand -base64 48",
  MAYFLY_BOOTSTRAP_KEY_PREVIOUS: "set it to the previous key while rotating, or unset it",
  MAYFLY_SESSION_KEY: "set a random key for dashboard sessions: openssl rand -base64 48",
  MAYFLY_DASHBOARD_TOKEN: "set a random bearer token: openssl rand -base64 32",
  MAYFLY_METRICS_TOKEN: "set a random bearer token for Prometheus: openssl rand -base64 32",
  MAYFLY_SETUP_TOKEN:
    "set a random token (openssl rand -base64 32), or unset it and copy the one setup mode logs",
  GITHUB_CLIENT_ID: "set the App's OAuth client id (App settings → Client ID)",
  GITHUB_CLIENT_SECRET: "set an OAuth client secret generated in the App settings",
  MAYFLY_ROLES: `use all, or a comma list of ${ROLES.join(", ")}`,
  MAYFLY_TRUSTED_PROXY_HOPS: "set the number of proxies that append to X-Forwarded-For (behind one ALB: 1)",
  MAYFLY_QUEUE: "use sqs in production (memory is for the demo and tests)",
  MAYFLY_SCALE_QUEUE_URL: "set the SQS FIFO queue URL from the stack outputs",
  MAYFLY_REAP_QUEUE_URL: "set the SQS FIFO queue URL from the stack outputs",
  MAYFLY_DEAD_LETTER_QUEUE_URL: "set the dead-letter FIFO queue URL from the stack outputs",
  GITHUB_APPS_FILE: "point it at a JSON list of extra Apps (docs/deploy.md), or unset it",
  GITHUB_RUNNER_REGISTRATIONS_PER_5_MINUTES: "set the org's runner-registration limit (GitHub: 1500)",
  MAYFLY_REPLICAS: "set how many replicas run the roles that call GitHub (each takes 1/N of every budget)",
};

/** Secrets are given as base64 (openssl rand -base64) or, failing that, taken as raw UTF-8 bytes. */
export function decodeSecret(value: string): Uint8Array {
  if (/^[A-Za-z0-9+/]{43,}={0,2}$/.test(value)) return new Uint8Array(Buffer.from(value, "base64"));
  return new TextEncoder().encode(value);
}
