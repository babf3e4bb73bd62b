import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import type { z } from "zod";
import { type AppIdentityCredentials, parseAppIdentitiesFile } from "./app-identities-file.js";
import { crossFieldProblems, decodeSecret, envSchema, FIXES, type Role } from "./env-schema.js";
import { ConfigError, type ConfigProblem } from "./errors.js";
import { type Pool, type PriceTable, parsePoolFile, type VolumePrices } from "./pool-file.js";

export { decodeSecret, ROLES, type Role } from "./env-schema.js";

/**
 * The only reader of process.env (STYLE.md principle 5). Every problem is reported at once, with the
 * variable, what is wrong and how to fix it. Secrets have no defaults.
 */

/** Keys whose values are never printed. */
export const SECRET_KEYS = [
  "PRIVATE_KEY",
  "WEBHOOK_SECRET",
  "GITHUB_CLIENT_SECRET",
  "MAYFLY_BOOTSTRAP_KEY",
  "MAYFLY_BOOTSTRAP_KEY_PREVIOUS",
  "MAYFLY_SESSION_KEY",
  "MAYFLY_DASHBOARD_TOKEN",
  "MAYFLY_METRICS_TOKEN",
  "MAYFLY_SETUP_TOKEN",
] as const;

type Env = z.infer<typeof envSchema>;

/**
 * What the app runs with: the parsed environment (`envSchema`) mapped by `toConfig`, plus the files it
 * names. Inferred, never written out by hand, so a new variable cannot drift from its type (issue 11).
 */
export type Config = ReturnType<typeof toConfig>;

export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
  readFile?: (path: string) => string;
}

/**
 * The process environment over the `.env` file (MAYFLY_ENV_FILE, default `.env` in the working
 * directory), as Probot and dotenv load it: a variable already set in the environment wins, and a
 * missing file is no error. Nothing is written to process.env.
 */
export function readEnvironment(
  options: { env?: Record<string, string | undefined>; readFile?: (path: string) => string } = {},
): Record<string, string | undefined> {
  const env = options.env ?? process.env;
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, "utf8"));
  let text: string;
  try {
    text = readFile(env.MAYFLY_ENV_FILE || ".env");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { ...env };
    throw error;
  }
  return { ...parseEnv(text), ...env };
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
        fix: Object.hasOwn(FIXES, key) ? FIXES[key]! : "see .env.example",
      });
    }
  }
  for (const { key, problem } of crossFieldProblems(env)) {
    problems.push({ key, problem, fix: Object.hasOwn(FIXES, key) ? FIXES[key]! : "see .env.example" });
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
  const appsPath = typeof env.GITHUB_APPS_FILE === "string" ? env.GITHUB_APPS_FILE : undefined;
  const appsText = read("GITHUB_APPS_FILE", appsPath);
  const extraApps =
    appsText === undefined
      ? { apps: [], problems: [] }
      : parseAppIdentitiesFile(appsText, parsed.data?.APP_ID, readFile);
  problems.push(...extraApps.problems);
  if (problems.length > 0 || !parsed.success || !pools?.file || !privateKey || !certificate) {
    throw new ConfigError(problems);
  }
  return toConfig(parsed.data, {
    pools: pools.file.pools,
    prices: pools.file.prices,
    volumePrices: pools.file.volumePrices,
    privateKey,
    certificate,
    extraApps: extraApps.apps ?? [],
  });
}

function toConfig(
  e: Env,
  files: {
    pools: Pool[];
    prices: PriceTable;
    volumePrices: VolumePrices;
    privateKey: string;
    certificate: string;
    extraApps: AppIdentityCredentials[];
  },
) {
  const queue:
    | { kind: "memory" }
    | { kind: "sqs"; scaleQueueUrl: string; reapQueueUrl: string; deadLetterQueueUrl: string } =
    e.MAYFLY_QUEUE === "memory"
      ? { kind: "memory" }
      : {
          kind: "sqs",
          // crossFieldProblems refuses MAYFLY_QUEUE=sqs without all three.
          scaleQueueUrl: e.MAYFLY_SCALE_QUEUE_URL!,
          reapQueueUrl: e.MAYFLY_REAP_QUEUE_URL!,
          deadLetterQueueUrl: e.MAYFLY_DEAD_LETTER_QUEUE_URL!,
        };
  return {
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    roles: [...new Set(e.MAYFLY_ROLES)] as readonly Role[],
    publicUrl: e.PUBLIC_URL,
    deploymentId: e.MAYFLY_DEPLOYMENT_ID,
    runnerPrefix: e.MAYFLY_RUNNER_PREFIX,
    /** Pool P launches with launch template `<prefix><P.name>` (the infra stack creates them). */
    launchTemplatePrefix: e.MAYFLY_LAUNCH_TEMPLATE_PREFIX,
    github: {
      appId: e.APP_ID,
      privateKey: files.privateKey,
      webhookSecret: e.WEBHOOK_SECRET,
      webhookPath: e.WEBHOOK_PATH,
      apiUrl: e.GITHUB_API_URL,
      webUrl: e.GITHUB_WEB_URL,
      clientId: e.GITHUB_CLIENT_ID,
      clientSecret: e.GITHUB_CLIENT_SECRET,
      /** From setup mode; names the install link. */
      appSlug: e.GITHUB_APP_SLUG,
      writePointsPerMinute: e.GITHUB_WRITE_POINTS_PER_MINUTE,
      /** App identities beyond the default one (GITHUB_APPS_FILE); JIT configs are spread over all. */
      extraApps: files.extraApps,
      /** The org's runner-registration limit per 5 minutes (GitHub: 1,500). */
      registrationsPer5Minutes: e.GITHUB_RUNNER_REGISTRATIONS_PER_5_MINUTES,
      /** Look-ups of unknown installation ids at intake: bucket size and refill a minute. */
      installationLookups: {
        burst: e.MAYFLY_INSTALLATION_LOOKUPS_PER_MINUTE,
        perMinute: e.MAYFLY_INSTALLATION_LOOKUPS_PER_MINUTE,
      },
    },
    /** Where setup mode found the manifest and stored the App's credentials (src/setup/). */
    setup: {
      token: e.MAYFLY_SETUP_TOKEN,
      manifestPath: e.MAYFLY_APP_MANIFEST_PATH,
      envFile: e.MAYFLY_ENV_FILE,
      appSecretArn: e.MAYFLY_APP_SECRET_ARN,
    },
    /** Replicas of the roles that call GitHub; each spends 1/N of every GitHub budget (ADR 0013). */
    replicas: e.MAYFLY_REPLICAS,
    aws: { region: e.AWS_REGION, accountId: e.AWS_ACCOUNT_ID, identityCertificate: files.certificate },
    queue,
    bootstrap: {
      keys: [e.MAYFLY_BOOTSTRAP_KEY, e.MAYFLY_BOOTSTRAP_KEY_PREVIOUS]
        .filter((k) => k !== undefined)
        .map(decodeSecret),
      /** Proxies that append to X-Forwarded-For in front of /bootstrap (0: the socket address is the client). */
      trustedProxyHops: e.MAYFLY_TRUSTED_PROXY_HOPS,
    },
    scaler: {
      batchWindowMs: e.MAYFLY_LAUNCH_BATCH_WINDOW,
      recheckIntervalSeconds: e.MAYFLY_RECHECK_INTERVAL,
      /** GitHub GETs an hour per installation that rechecks may spend. */
      recheckBudgetPerHour: e.MAYFLY_RECHECK_BUDGET_PER_HOUR,
      checkJobQueued: e.MAYFLY_CHECK_JOB_QUEUED,
      /** Most instances launched for one job, unless its pool sets `maxLaunchesPerJob`. */
      maxLaunchesPerJob: e.MAYFLY_MAX_LAUNCHES_PER_JOB,
    },
    /** Terminate a Mayfly runner that GitHub handed a job the policy denies. */
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
    /** The bearer token /metrics requires (none = /metrics is closed). */
    metrics: { token: e.MAYFLY_METRICS_TOKEN },
    pools: files.pools,
    prices: files.prices,
    /** EBS $/GiB-month by volume type (the pool file's `volumePrices`): stopped warm capacity's cost. */
    volumePrices: files.volumePrices,
  };
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
