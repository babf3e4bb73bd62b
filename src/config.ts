import { readFileSync } from "node:fs";
import { z } from "zod";
import { durationSeconds } from "./duration.js";
import { ConfigError, type ConfigProblem } from "./errors.js";
import { type Pool, type PriceTable, parsePoolFile } from "./pool-file.js";

/**
 * The only reader of process.env (STYLE.md principle 5). Every problem is reported at once, with the
 * variable, what is wrong and how to fix it. Secrets have no defaults.
 */

export const ROLES = ["webhooks", "scaler", "reaper", "dashboard"] as const;
export type Role = (typeof ROLES)[number];

// `abort` stops an empty value from also failing the length rule: one problem, reported once.
const secret = (minBytes: number, what: string) =>
  z
    .string()
    .min(1, { error: "is empty", abort: true })
    .refine((v) => decodeSecret(v).length >= minBytes, `must hold at least ${minBytes} bytes (${what})`);

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const url = z.url({ protocol: /^https?$/ }).transform((v) => v.replace(/\/+$/, ""));

const envSchema = z.object({
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
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(ROLES)).min(1)),
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
  PRIVATE_KEY: z.string().min(1).optional(),
  PRIVATE_KEY_PATH: z.string().min(1).optional(),
  WEBHOOK_SECRET: secret(16, "use a long random string"),
  WEBHOOK_PATH: z.string().startsWith("/").default("/api/github/webhooks"),
  GITHUB_API_URL: url.default("https://api.github.com"),
  GITHUB_WEB_URL: url.default("https://github.com"),
  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  GITHUB_WRITE_POINTS_PER_MINUTE: z.coerce.number().int().min(5).max(900).default(800),

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
  MAYFLY_ENFORCE_POLICY_ON_RUNNERS: bool.default(true),
  MAYFLY_SWEEP_INTERVAL: durationSeconds(5, 3600).default(60),
  MAYFLY_REDELIVER_INTERVAL: durationSeconds(30, 86_400).default(300),

  MAYFLY_SESSION_KEY: secret(32, "generate with: openssl rand -base64 48").optional(),
  MAYFLY_DASHBOARD_TOKEN: secret(24, "generate with: openssl rand -base64 32").optional(),
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
function crossFieldProblems(env: Record<string, string | undefined>): { key: string; problem: string }[] {
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
  if (roles.includes("dashboard") && unset("MAYFLY_DASHBOARD_TOKEN")) {
    for (const key of ["GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "MAYFLY_SESSION_KEY"]) {
      if (unset(key)) problems.push({ key, problem: "is missing (needed for dashboard sign-in)" });
    }
  }
  return problems;
}

function durationSecondsMs(min: number, max: number) {
  return z.coerce.number().int().min(min).max(max);
}

const FIXES: Record<string, string> = {
  PUBLIC_URL: "set the https URL where GitHub and runners reach this app, e.g. https://mayfly.example.com",
  MAYFLY_POOLS_FILE: "point it at your pool file (see mayfly.example.yml)",
  APP_ID: "set the numeric App ID from the GitHub App's settings page",
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
  GITHUB_CLIENT_ID: "set the App's OAuth client id (App settings → Client ID)",
  GITHUB_CLIENT_SECRET: "set an OAuth client secret generated in the App settings",
  MAYFLY_ROLES: `use a comma list of ${ROLES.join(", ")}`,
  MAYFLY_QUEUE: "use sqs in production (memory is for the demo and tests)",
  MAYFLY_SCALE_QUEUE_URL: "set the SQS FIFO queue URL from the stack outputs",
  MAYFLY_REAP_QUEUE_URL: "set the SQS FIFO queue URL from the stack outputs",
  MAYFLY_DEAD_LETTER_QUEUE_URL: "set the dead-letter FIFO queue URL from the stack outputs",
};

/** Keys whose values are never printed. */
export const SECRET_KEYS = [
  "PRIVATE_KEY",
  "WEBHOOK_SECRET",
  "GITHUB_CLIENT_SECRET",
  "MAYFLY_BOOTSTRAP_KEY",
  "MAYFLY_BOOTSTRAP_KEY_PREVIOUS",
  "MAYFLY_SESSION_KEY",
  "MAYFLY_DASHBOARD_TOKEN",
] as const;

type Env = z.infer<typeof envSchema>;

export interface Config {
  nodeEnv: Env["NODE_ENV"];
  host: string;
  port: number;
  logLevel: Env["LOG_LEVEL"];
  roles: readonly Role[];
  publicUrl: string;
  deploymentId: string;
  runnerPrefix: string;
  /** Pool P launches with launch template `<prefix><P.name>` (the infra stack creates them). */
  launchTemplatePrefix?: string;
  github: {
    appId: number;
    privateKey: string;
    webhookSecret: string;
    webhookPath: string;
    apiUrl: string;
    webUrl: string;
    clientId?: string;
    clientSecret?: string;
    writePointsPerMinute: number;
  };
  aws: { region: string; accountId: string; identityCertificate: string };
  queue:
    | { kind: "memory" }
    | { kind: "sqs"; scaleQueueUrl: string; reapQueueUrl: string; deadLetterQueueUrl: string };
  bootstrap: { keys: Uint8Array[] };
  scaler: {
    batchWindowMs: number;
    recheckIntervalSeconds: number;
    /** GitHub GETs an hour per installation that rechecks may spend. */
    recheckBudgetPerHour: number;
    checkJobQueued: boolean;
  };
  /** Terminate a Mayfly runner that GitHub handed a job the policy denies. */
  enforcePolicyOnRunners: boolean;
  reaper: { sweepIntervalSeconds: number; redeliverIntervalSeconds: number };
  dashboard: { sessionKey?: Uint8Array; token?: string; team?: string };
  pools: Pool[];
  prices: PriceTable;
}

export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
  readFile?: (path: string) => string;
}

/** Reads and validates the environment and the pool file. Throws ConfigError listing every problem. */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, "utf8"));
  const problems: ConfigProblem[] = [];
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "environment");
      const missing = issue.code === "invalid_type" && env[key] === undefined;
      problems.push({
        key,
        problem: missing ? "is missing" : issue.message,
        fix: FIXES[key] ?? "see .env.example",
      });
    }
  }
  for (const { key, problem } of crossFieldProblems(env)) {
    problems.push({ key, problem, fix: FIXES[key] ?? "see .env.example" });
  }
  const read = (key: string, path: string | undefined): string | undefined => {
    if (!path) return undefined;
    try {
      return readFile(path);
    } catch (error) {
      problems.push({
        key,
        problem: `cannot read ${path} (${(error as Error).message})`,
        fix: "check the path",
      });
      return undefined;
    }
  };
  const poolsPath = typeof env.MAYFLY_POOLS_FILE === "string" ? env.MAYFLY_POOLS_FILE : undefined;
  const poolText = read("MAYFLY_POOLS_FILE", poolsPath);
  const pools = poolText !== undefined ? parsePoolFile(poolText, poolsPath ?? "pools") : undefined;
  if (pools) problems.push(...pools.problems);
  const privateKey = env.PRIVATE_KEY
    ? normalisePem(env.PRIVATE_KEY)
    : read("PRIVATE_KEY_PATH", env.PRIVATE_KEY_PATH);
  const certificate = read("MAYFLY_IDENTITY_CERT_PATH", env.MAYFLY_IDENTITY_CERT_PATH);
  if (privateKey !== undefined && !/-----BEGIN (RSA )?PRIVATE KEY-----/.test(privateKey)) {
    problems.push({ key: "PRIVATE_KEY", problem: "is not a PEM private key", fix: FIXES.PRIVATE_KEY! });
  }
  if (certificate !== undefined && !certificate.includes("-----BEGIN CERTIFICATE-----")) {
    problems.push({
      key: "MAYFLY_IDENTITY_CERT_PATH",
      problem: "does not hold a PEM certificate",
      fix: FIXES.MAYFLY_IDENTITY_CERT_PATH!,
    });
  }
  if (problems.length > 0 || !parsed.success || !pools?.file || !privateKey || !certificate) {
    throw new ConfigError(problems);
  }
  return toConfig(parsed.data, pools.file.pools, pools.file.prices, privateKey, certificate);
}

function toConfig(
  e: Env,
  pools: Pool[],
  prices: PriceTable,
  privateKey: string,
  certificate: string,
): Config {
  return {
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    roles: e.MAYFLY_ROLES,
    publicUrl: e.PUBLIC_URL,
    deploymentId: e.MAYFLY_DEPLOYMENT_ID,
    runnerPrefix: e.MAYFLY_RUNNER_PREFIX,
    launchTemplatePrefix: e.MAYFLY_LAUNCH_TEMPLATE_PREFIX,
    github: {
      appId: e.APP_ID,
      privateKey,
      webhookSecret: e.WEBHOOK_SECRET,
      webhookPath: e.WEBHOOK_PATH,
      apiUrl: e.GITHUB_API_URL,
      webUrl: e.GITHUB_WEB_URL,
      clientId: e.GITHUB_CLIENT_ID,
      clientSecret: e.GITHUB_CLIENT_SECRET,
      writePointsPerMinute: e.GITHUB_WRITE_POINTS_PER_MINUTE,
    },
    aws: { region: e.AWS_REGION, accountId: e.AWS_ACCOUNT_ID, identityCertificate: certificate },
    queue:
      e.MAYFLY_QUEUE === "memory"
        ? { kind: "memory" }
        : {
            kind: "sqs",
            scaleQueueUrl: e.MAYFLY_SCALE_QUEUE_URL!,
            reapQueueUrl: e.MAYFLY_REAP_QUEUE_URL!,
            deadLetterQueueUrl: e.MAYFLY_DEAD_LETTER_QUEUE_URL!,
          },
    bootstrap: {
      keys: [e.MAYFLY_BOOTSTRAP_KEY, e.MAYFLY_BOOTSTRAP_KEY_PREVIOUS]
        .filter((k) => k !== undefined)
        .map(decodeSecret),
    },
    scaler: {
      batchWindowMs: e.MAYFLY_LAUNCH_BATCH_WINDOW,
      recheckIntervalSeconds: e.MAYFLY_RECHECK_INTERVAL,
      recheckBudgetPerHour: e.MAYFLY_RECHECK_BUDGET_PER_HOUR,
      checkJobQueued: e.MAYFLY_CHECK_JOB_QUEUED,
    },
    enforcePolicyOnRunners: e.MAYFLY_ENFORCE_POLICY_ON_RUNNERS,
    reaper: {
      sweepIntervalSeconds: e.MAYFLY_SWEEP_INTERVAL,
      redeliverIntervalSeconds: e.MAYFLY_REDELIVER_INTERVAL,
    },
    dashboard: {
      sessionKey: e.MAYFLY_SESSION_KEY ? decodeSecret(e.MAYFLY_SESSION_KEY) : undefined,
      token: e.MAYFLY_DASHBOARD_TOKEN,
      team: e.MAYFLY_DASHBOARD_TEAM,
    },
    pools,
    prices,
  };
}

/** Secrets are given as base64 (openssl rand -base64) or, failing that, taken as raw UTF-8 bytes. */
export function decodeSecret(value: string): Uint8Array {
  if (/^[A-Za-z0-9+/]{43,}={0,2}$/.test(value)) return new Uint8Array(Buffer.from(value, "base64"));
  return new TextEncoder().encode(value);
}

/** Accepts PEM with literal `\n` escapes or base64-wrapped PEM, as Probot does. */
function normalisePem(value: string): string {
  if (value.includes("-----BEGIN")) return value.replace(/\\n/g, "\n");
  const decoded = Buffer.from(value, "base64").toString("utf8");
  return decoded.includes("-----BEGIN") ? decoded : value;
}

/**
 * Names that hold secrets in the wider environment (AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, GITHUB_TOKEN,
 * …): the process environment carries more than Mayfly's own keys, and printing it must leak none.
 */
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|PRIVATE_KEY|SESSION_KEY|API_KEY/i;
const FILE_NAME = /_PATH$/;

/** The environment with secret values replaced, for printing. */
export function redactEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const secret =
      (SECRET_KEYS as readonly string[]).includes(key) || (SECRET_NAME.test(key) && !FILE_NAME.test(key));
    out[key] = secret ? "[redacted]" : value;
  }
  return out;
}
