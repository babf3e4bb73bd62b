import { describe, expect, it } from "vitest";
import { runnerUserData } from "../../../src/bootstrap/runner-user-data.js";
import { parseUserData } from "../../../src/bootstrap/user-data.js";
import { makePool } from "../domain/make-pool.js";

const issued: unknown[] = [];
const deps = {
  publicUrl: "https://mayfly.example.com",
  tokens: {
    issue: async (claims: unknown) => {
      issued.push(claims);
      return `token-${issued.length}`;
    },
  },
};
const ref = { installationId: 7, org: "acme" };

describe("runnerUserData (every path that boots a runner)", () => {
  it.each([
    [undefined, "block"],
    ["block", "block"],
    ["allow", "allow"],
  ] as const)("carries the pool's jobImds %s as MAYFLY_JOB_IMDS=%s", async (jobImds, rendered) => {
    const pool = makePool({ ...(jobImds ? { jobImds } : {}) });
    const data = parseUserData(await runnerUserData(deps, pool, ref, "launch-1"));
    expect(data.MAYFLY_JOB_IMDS).toBe(rendered);
  });

  it("issues a fresh token for the launch, valid for the boot timeout, and bounds the instance's life", async () => {
    const pool = makePool({});
    const data = parseUserData(await runnerUserData(deps, pool, ref, "launch-2"));
    expect(issued.at(-1)).toEqual({
      pool: pool.name,
      org: "acme",
      installation: 7,
      launch: "launch-2",
      ttlSeconds: pool.timeouts.boot,
    });
    expect(data).toMatchObject({
      MAYFLY_URL: "https://mayfly.example.com",
      MAYFLY_BOOTSTRAP_TOKEN: `token-${issued.length}`,
      MAYFLY_POOL: pool.name,
      MAYFLY_BOOT_TIMEOUT_SECONDS: String(pool.timeouts.boot),
      MAYFLY_MAX_LIFETIME_SECONDS: String(pool.timeouts.boot + pool.timeouts.idle + pool.timeouts.job),
    });
    const hot = parseUserData(await runnerUserData(deps, pool, ref, "launch-3", 999));
    expect(hot.MAYFLY_MAX_LIFETIME_SECONDS).toBe("999");
  });
});
