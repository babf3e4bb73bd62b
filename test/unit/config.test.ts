import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Config, loadConfig, redactEnv } from "../../src/config.js";
import { ConfigError } from "../../src/errors.js";
import {
  CERT_PATH,
  EXAMPLE_POOLS_PATH,
  filesReader,
  MINIMAL_POOLS,
  POOLS_PATH,
  PRIVATE_KEY,
  SECRETS,
  validEnv,
} from "../fixtures/config/config-env.js";

const files = { [POOLS_PATH]: MINIMAL_POOLS };
const load = (env: Record<string, string | undefined>, extraFiles: Record<string, string> = {}): Config =>
  loadConfig({ env, readFile: filesReader({ ...files, ...extraFiles }) });

/** The problems loadConfig reports, as key + problem (the fixes are checked separately). */
function problemsOf(env: Record<string, string | undefined>, extraFiles: Record<string, string> = {}) {
  try {
    load(env, extraFiles);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map(({ key, problem }) => ({ key, problem }));
  }
  throw new Error("expected a ConfigError");
}

const ALL_SECRETS = [...Object.values(SECRETS), PRIVATE_KEY, PRIVATE_KEY.split("\n")[1]!];

describe("loadConfig", () => {
  it("loads the shipped mayfly.example.yml with a complete environment", () => {
    const config = load(validEnv({ MAYFLY_POOLS_FILE: EXAMPLE_POOLS_PATH }));
    expect(config.pools.map((p) => p.name)).toEqual(["linux-small", "linux-large", "arm-public"]);
    expect(config.pools[0]?.timeouts).toEqual({ boot: 300, idle: 600, job: 7200 });
    expect(config.prices["c7g.large"]).toEqual({ onDemand: 0.0725, spot: 0.029 });
    expect(config.publicUrl).toBe("https://mayfly.example.com");
    expect(config.roles).toEqual(["webhooks", "bootstrap", "scaler", "reaper", "dashboard"]);
    expect(config.queue).toEqual({
      kind: "sqs",
      scaleQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/mayfly-scale.fifo",
      reapQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/mayfly-reap.fifo",
      deadLetterQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/mayfly-dlq.fifo",
    });
    expect(config.github.privateKey).toBe(PRIVATE_KEY);
    expect(config.aws.identityCertificate).toBe(readFileSync(CERT_PATH, "utf8"));
    // Both bootstrap keys are base64 of 48 bytes; the previous one is kept for rotation.
    expect(config.bootstrap.keys.map((k) => k.length)).toEqual([48, 48]);
    expect(config.dashboard.sessionKey?.length).toBe(48);
    expect(config.scaler).toEqual({
      batchWindowMs: 100,
      recheckIntervalSeconds: 60,
      recheckBudgetPerHour: 1200,
      checkJobQueued: true,
      maxLaunchesPerJob: 3,
    });
  });

  it("accepts PRIVATE_KEY with literal \\n escapes, and PRIVATE_KEY_PATH", () => {
    const escaped = PRIVATE_KEY.replace(/\n/g, "\\n");
    expect(load(validEnv({ PRIVATE_KEY: escaped })).github.privateKey).toBe(PRIVATE_KEY);
    const fromPath = load(validEnv({ PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: "/k.pem" }), {
      "/k.pem": PRIVATE_KEY,
    });
    expect(fromPath.github.privateKey).toBe(PRIVATE_KEY);
  });

  it("runs with the in-memory queue and a dashboard token outside production", () => {
    const env = validEnv({
      NODE_ENV: "development",
      MAYFLY_QUEUE: "memory",
      MAYFLY_SCALE_QUEUE_URL: undefined,
      MAYFLY_REAP_QUEUE_URL: undefined,
      MAYFLY_DEAD_LETTER_QUEUE_URL: undefined,
      GITHUB_CLIENT_ID: undefined,
      GITHUB_CLIENT_SECRET: undefined,
      MAYFLY_SESSION_KEY: undefined,
    });
    expect(load(env).queue).toEqual({ kind: "memory" });
  });

  it.each<[string, Record<string, string | undefined>, { key: string; problem: string }[]]>([
    [
      "missing WEBHOOK_SECRET",
      { WEBHOOK_SECRET: undefined },
      [{ key: "WEBHOOK_SECRET", problem: "is missing" }],
    ],
    ["empty WEBHOOK_SECRET", { WEBHOOK_SECRET: "" }, [{ key: "WEBHOOK_SECRET", problem: "is empty" }]],
    [
      "short WEBHOOK_SECRET",
      { WEBHOOK_SECRET: "tooshort" },
      [{ key: "WEBHOOK_SECRET", problem: "must hold at least 16 bytes (use a long random string)" }],
    ],
    [
      "short bootstrap key",
      { MAYFLY_BOOTSTRAP_KEY: "not-32-bytes-long" },
      [
        {
          key: "MAYFLY_BOOTSTRAP_KEY",
          problem: "must hold at least 32 bytes (generate with: openssl rand -base64 48)",
        },
      ],
    ],
    [
      "PUBLIC_URL without scheme",
      { PUBLIC_URL: "mayfly.example.com" },
      [{ key: "PUBLIC_URL", problem: "Invalid URL" }],
    ],
    [
      "PUBLIC_URL with ftp scheme",
      { PUBLIC_URL: "ftp://mayfly.example.com" },
      [{ key: "PUBLIC_URL", problem: "Invalid URL" }],
    ],
    [
      "unknown role",
      { MAYFLY_ROLES: "scaler,janitor" },
      [
        {
          key: "MAYFLY_ROLES",
          problem: 'Invalid option: expected one of "webhooks"|"bootstrap"|"scaler"|"reaper"|"dashboard"',
        },
      ],
    ],
    [
      "sqs queue without URLs",
      {
        MAYFLY_SCALE_QUEUE_URL: undefined,
        MAYFLY_REAP_QUEUE_URL: undefined,
        MAYFLY_DEAD_LETTER_QUEUE_URL: undefined,
      },
      [
        { key: "MAYFLY_SCALE_QUEUE_URL", problem: "is missing (MAYFLY_QUEUE=sqs)" },
        { key: "MAYFLY_REAP_QUEUE_URL", problem: "is missing (MAYFLY_QUEUE=sqs)" },
        { key: "MAYFLY_DEAD_LETTER_QUEUE_URL", problem: "is missing (MAYFLY_QUEUE=sqs)" },
      ],
    ],
    [
      "sqs by default, without URLs",
      { MAYFLY_QUEUE: undefined, MAYFLY_REAP_QUEUE_URL: undefined },
      [{ key: "MAYFLY_REAP_QUEUE_URL", problem: "is missing (MAYFLY_QUEUE=sqs)" }],
    ],
    [
      "memory queue in production",
      { MAYFLY_QUEUE: "memory" },
      [{ key: "MAYFLY_QUEUE", problem: "is memory in production, which loses jobs on restart" }],
    ],
    [
      "no App private key",
      { PRIVATE_KEY: undefined },
      [{ key: "PRIVATE_KEY", problem: "is missing (and so is PRIVATE_KEY_PATH)" }],
    ],
    [
      "private key that is not PEM",
      { PRIVATE_KEY: "not a key" },
      [{ key: "PRIVATE_KEY", problem: "is not a PEM private key" }],
    ],
    [
      "unreadable PRIVATE_KEY_PATH",
      { PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: "/nonexistent/app.pem" },
      [
        {
          key: "PRIVATE_KEY_PATH",
          problem:
            "cannot read /nonexistent/app.pem (ENOENT: no such file or directory, open '/nonexistent/app.pem')",
        },
      ],
    ],
    [
      "identity certificate that is not a certificate",
      { MAYFLY_IDENTITY_CERT_PATH: POOLS_PATH },
      [{ key: "MAYFLY_IDENTITY_CERT_PATH", problem: "does not hold a PEM certificate" }],
    ],
    [
      "bad region",
      { AWS_REGION: "virginia" },
      [{ key: "AWS_REGION", problem: "must be a region like us-east-1" }],
    ],
    [
      "bad account id",
      { AWS_ACCOUNT_ID: "1234" },
      [{ key: "AWS_ACCOUNT_ID", problem: "must be a 12-digit AWS account id" }],
    ],
    [
      "non-numeric APP_ID",
      { APP_ID: "my-app" },
      [{ key: "APP_ID", problem: "Invalid input: expected number, received NaN" }],
    ],
    [
      "dashboard without a token or OAuth sign-in",
      {
        MAYFLY_DASHBOARD_TOKEN: undefined,
        GITHUB_CLIENT_ID: undefined,
        GITHUB_CLIENT_SECRET: undefined,
        MAYFLY_SESSION_KEY: undefined,
      },
      [
        { key: "GITHUB_CLIENT_ID", problem: "is missing (needed for dashboard sign-in)" },
        { key: "GITHUB_CLIENT_SECRET", problem: "is missing (needed for dashboard sign-in)" },
        { key: "MAYFLY_SESSION_KEY", problem: "is missing (needed for dashboard sign-in)" },
      ],
    ],
    [
      "missing pool file",
      { MAYFLY_POOLS_FILE: "/etc/mayfly/missing.yml" },
      [
        {
          key: "MAYFLY_POOLS_FILE",
          problem:
            "cannot read /etc/mayfly/missing.yml (ENOENT: no such file or directory, open '/etc/mayfly/missing.yml')",
        },
      ],
    ],
    [
      "pool file unset",
      { MAYFLY_POOLS_FILE: undefined },
      [{ key: "MAYFLY_POOLS_FILE", problem: "is missing" }],
    ],
  ])("%s", (_, overrides, expected) => {
    expect(problemsOf(validEnv(overrides))).toEqual(expected);
  });

  it.each<[string, string, { key: string; problem: string }[]]>([
    [
      "invalid YAML",
      "version: 1\npools: [\n",
      [
        {
          key: POOLS_PATH,
          problem:
            "is not valid YAML at line 3, column 1 (Flow sequence in block collection must be sufficiently indented and end with a ])",
        },
      ],
    ],
    [
      "pool without subnets",
      MINIMAL_POOLS.replace("    subnets: [subnet-0a1b2c3d]\n", ""),
      [{ key: `${POOLS_PATH}: pool "small": subnets`, problem: "is missing" }],
    ],
    [
      "pool with unknown key",
      `${MINIMAL_POOLS}    spotty: true\n`,
      [{ key: `${POOLS_PATH}: pool "small"`, problem: "has unknown key(s) spotty" }],
    ],
    [
      "duplicate pool names",
      MINIMAL_POOLS + MINIMAL_POOLS.slice(MINIMAL_POOLS.indexOf("  - name")),
      [
        {
          key: `${POOLS_PATH}: pool #2 "small": name`,
          problem: "is also the name of pool #1; each pool needs its own name",
        },
      ],
    ],
    [
      "bad duration `5 minutes`",
      `${MINIMAL_POOLS}    timeouts: { boot: 5 minutes }\n`,
      [
        {
          key: `${POOLS_PATH}: pool "small": timeouts.boot`,
          problem: '"5 minutes" is not a duration (use e.g. 90s, 5m, 6h)',
        },
      ],
    ],
    [
      "negative maxRunners",
      MINIMAL_POOLS.replace("maxRunners: 2", "maxRunners: -3"),
      [
        {
          key: `${POOLS_PATH}: pool "small": maxRunners`,
          problem: "must be a whole number from 1 to 10000, got -3",
        },
      ],
    ],
  ])("pool file: %s", (_, text, expected) => {
    expect(problemsOf(validEnv(), { [POOLS_PATH]: text })).toEqual(expected);
  });

  it("reports every problem at once, environment and pool file together, each with a fix", () => {
    const env = validEnv({
      WEBHOOK_SECRET: undefined,
      PUBLIC_URL: "nope",
      MAYFLY_ROLES: "janitor",
      MAYFLY_REAP_QUEUE_URL: undefined,
      PRIVATE_KEY: undefined,
    });
    let error: unknown;
    try {
      load(env, { [POOLS_PATH]: MINIMAL_POOLS.replace("maxRunners: 2", "maxRunners: 0") });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems.map((p) => p.key)).toEqual([
      "MAYFLY_ROLES",
      "PUBLIC_URL",
      "WEBHOOK_SECRET",
      "PRIVATE_KEY",
      "MAYFLY_REAP_QUEUE_URL",
      `${POOLS_PATH}: pool "small": maxRunners`,
    ]);
    expect(message.split("\n")[0]).toBe("Mayfly configuration has 6 problems:");
    expect(message).toContain(
      "  - WEBHOOK_SECRET: is missing. Fix: set the App's webhook secret (openssl rand -hex 32), the same in GitHub's App settings",
    );
    expect(problems.every((p) => p.fix.length > 0)).toBe(true);
  });

  it("never puts a secret in the ConfigError message", () => {
    const leaky = {
      WEBHOOK_SECRET: "short-secret-1",
      MAYFLY_BOOTSTRAP_KEY: "short-bootstrap-secret-2",
      MAYFLY_BOOTSTRAP_KEY_PREVIOUS: "short-previous-secret-3",
      MAYFLY_SESSION_KEY: "short-session-secret-4",
      MAYFLY_DASHBOARD_TOKEN: "short-token-secret-5",
      PRIVATE_KEY: "not-a-pem-secret-6",
    };
    let message = "";
    try {
      load(validEnv({ ...leaky, PUBLIC_URL: "nope", MAYFLY_QUEUE: "redis" }));
    } catch (e) {
      message = (e as ConfigError).message;
    }
    expect(message).toMatch(/^Mayfly configuration has 8 problems:/);
    for (const value of [...Object.values(leaky), ...ALL_SECRETS]) expect(message).not.toContain(value);
  });
});

describe("redactEnv", () => {
  it("hides Mayfly's secrets and the wider environment's (AWS, tokens), keeps the rest", () => {
    const env = validEnv({
      AWS_SECRET_ACCESS_KEY: "aws-secret-value-123",
      AWS_SESSION_TOKEN: "aws-session-token-456",
      GITHUB_TOKEN: "ghp_token-789",
      PRIVATE_KEY_PATH: "/run/secrets/app.pem",
      UNSET: undefined,
    });
    const redacted = redactEnv(env);
    const printed = JSON.stringify(redacted);
    for (const value of [...ALL_SECRETS, "aws-secret-value-123", "aws-session-token-456", "ghp_token-789"]) {
      expect(printed).not.toContain(value);
    }
    expect(redacted.WEBHOOK_SECRET).toBe("[redacted]");
    expect(redacted.AWS_SESSION_TOKEN).toBe("[redacted]");
    expect(redacted.APP_ID).toBe("12345");
    expect(redacted.PRIVATE_KEY_PATH).toBe("/run/secrets/app.pem");
    expect("UNSET" in redacted).toBe(false);
  });
});
