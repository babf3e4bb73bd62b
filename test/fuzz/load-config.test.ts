import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadConfig, SECRET_KEYS } from "../../src/config.js";
import { ConfigError } from "../../src/errors.js";
import { CERT_PATH, MINIMAL_POOLS, POOLS_PATH, validEnv } from "../fixtures/config/config-env.js";

/**
 * Fuzzed environments (issue 7, bad input): `loadConfig` returns a config or throws a ConfigError that
 * lists problems with key, problem and fix; it throws nothing else and never prints a secret it was given.
 */
const CERT = readFileSync(CERT_PATH, "utf8");
const KEYS = [
  ...Object.keys(validEnv()),
  "HOST",
  "PORT",
  "LOG_LEVEL",
  "MAYFLY_ROLES",
  "PRIVATE_KEY_PATH",
  "WEBHOOK_PATH",
  "GITHUB_API_URL",
  "GITHUB_WEB_URL",
  "GITHUB_WRITE_POINTS_PER_MINUTE",
  "MAYFLY_DEPLOYMENT_ID",
  "MAYFLY_RUNNER_PREFIX",
  "MAYFLY_LAUNCH_TEMPLATE_PREFIX",
  "MAYFLY_LAUNCH_BATCH_WINDOW",
  "MAYFLY_RECHECK_INTERVAL",
  "MAYFLY_CHECK_JOB_QUEUED",
  "MAYFLY_SWEEP_INTERVAL",
  "MAYFLY_REDELIVER_INTERVAL",
  "MAYFLY_DASHBOARD_TEAM",
];

const value = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.constantFrom(
    "",
    " ",
    "0",
    "-1",
    "1e9",
    "NaN",
    "true",
    "yes",
    "10x",
    "5m",
    "https://",
    "http://[::1",
    "webhooks,nope",
  ),
);
const env = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom(...KEYS), fc.option(value, { nil: undefined })), { maxLength: 6 }),
    fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), { maxKeys: 3 }),
  )
  .map(([changes, extra]) => ({ ...extra, ...validEnv(Object.fromEntries(changes)) }));
const poolText = fc.oneof(fc.constant(MINIMAL_POOLS), fc.string({ maxLength: 200 }));

/** Files from memory only: a fuzzed path must never reach the disk (think /dev/zero). */
const reader = (pools: string) => (path: string) => {
  const files: Record<string, string> = { [POOLS_PATH]: pools, [CERT_PATH]: CERT };
  const text = files[path];
  if (text === undefined)
    throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: "ENOENT" });
  return text;
};

describe("fuzzed environments", () => {
  it("load or fail with a ConfigError naming key, problem and fix, leaking no secret", () => {
    fc.assert(
      fc.property(env, poolText, (environment, pools) => {
        try {
          loadConfig({ env: environment, readFile: reader(pools) });
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          const { problems, message } = error as ConfigError;
          expect(problems.length).toBeGreaterThan(0);
          for (const p of problems)
            expect([p.key, p.problem, p.fix].every((s) => s.trim().length > 0)).toBe(true);
          // Short values may well occur in the fix texts ("https://"); a real secret is long.
          for (const key of SECRET_KEYS) {
            const secret = environment[key];
            if (secret && secret.trim().length >= 16) expect(message).not.toContain(secret);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  /** Found by fuzzing (test/fuzz/pool-file.test.ts, YAML aliases); fixed in 04a222c. */
  it("a pool file with an unresolved alias is a ConfigError", () => {
    expect(() => loadConfig({ env: validEnv(), readFile: reader("version: 1\npools: *missing\n") })).toThrow(
      ConfigError,
    );
  });
});
