import { describe, expect, it } from "vitest";
import { poolRows } from "../../../src/dashboard/pool-rows.js";
import { warmClaims } from "../../../src/dashboard/warm-claims.js";
import { warmLevels } from "../../../src/dashboard/warm-levels.js";
import { createMetrics } from "../../../src/metrics.js";
import type { Pool } from "../../../src/pool-file.js";
import { makePool } from "../domain/make-pool.js";
import { instance, observation, PREFIX, runner } from "./fixtures.js";

const NOW = Date.UTC(2025, 0, 6, 10, 0); // a Monday, 10:00 UTC
const ACME = { installationId: 1, org: "acme" };
const GLOBEX = { installationId: 2, org: "globex" };

function warmPool(overrides: Partial<Pool> = {}): Pool {
  return makePool({
    name: "linux",
    maxRunners: 10,
    allow: { orgs: ["acme", "globex"], repositories: ["*/*"], visibilities: ["private"], allowForks: false },
    warm: { hot: 2, stopped: 3, schedules: [], maxAge: 86_400 },
    ...overrides,
  });
}

const warm = (id: string, role: "hot" | "stopped", extra: Parameters<typeof instance>[1] = {}) => {
  const base = instance(id, { launchedAt: NOW - 60_000, ...extra });
  return { ...base, tags: { ...base.tags, "mayfly:warm": role } };
};

describe("warmLevels", () => {
  it("counts ready and coming per role against the target, as the warm loop does", () => {
    const obs = observation(
      [
        warm("i-h1", "hot"), // idle runner: ready
        warm("i-h2", "hot"), // no runner yet: coming
        warm("i-h3", "hot"), // busy: an ordinary runner now, neither
        warm("i-s1", "stopped", { state: "stopped" }), // ready
        warm("i-s2", "stopped", { state: "running" }), // warm-up boot: coming
        instance("i-cold"), // not warm at all
      ],
      [runner("i-h1", false, 1), runner("i-h3", true, 3), runner("i-cold", false, 4)],
      NOW,
    );
    const rows = warmLevels({
      pools: [warmPool(), makePool({ name: "arm" })],
      observation: obs,
      installations: [ACME],
      runnerPrefix: PREFIX,
      claims: new Map([["linux", { hot: 4, stopped: 1, miss: 2 }]]),
      now: NOW,
    });
    expect([...rows.keys()]).toEqual(["linux"]);
    expect(rows.get("linux")).toEqual({
      target: { hot: 2, stopped: 3, reason: "default" },
      ready: { hot: 1, stopped: 1 },
      coming: { hot: 1, stopped: 1 },
      orgs: 1,
      claims: { hot: 4, stopped: 1, miss: 2 },
    });
  });

  it.each([
    ["each installed org the pool admits keeps the level", [ACME, GLOBEX], { hot: 4, stopped: 6 }, 2],
    ["an org without an installation keeps none", [ACME], { hot: 2, stopped: 3 }, 1],
    ["no installed org: target 0", [], { hot: 0, stopped: 0 }, 0],
  ])("%s", (_, installations, target, orgs) => {
    const row = warmLevels({
      pools: [warmPool()],
      observation: observation([], [], NOW),
      installations,
      runnerPrefix: PREFIX,
      claims: new Map(),
      now: NOW,
    }).get("linux");
    expect(row).toMatchObject({ target, orgs, ready: { hot: 0, stopped: 0 }, claims: { miss: 0 } });
  });

  it("names the schedule in force", () => {
    const pool = warmPool({
      warm: {
        hot: 0,
        stopped: 0,
        maxAge: 86_400,
        schedules: [{ days: ["mon"], from: "08:00", to: "18:00", timeZone: "UTC", hot: 5, stopped: 0 }],
      },
    });
    const row = warmLevels({
      pools: [pool],
      observation: observation([], [], NOW),
      installations: [ACME],
      runnerPrefix: PREFIX,
      claims: new Map(),
      now: NOW,
    }).get("linux");
    expect(row?.target).toEqual({ hot: 5, stopped: 0, reason: "schedule mon 08:00-18:00 UTC" });
  });

  it("puts the warm row on the pool's row only", () => {
    const pools = [warmPool(), makePool({ name: "arm" })];
    const obs = observation([], [], NOW);
    const warmRows = warmLevels({
      pools,
      observation: obs,
      installations: [ACME],
      runnerPrefix: PREFIX,
      claims: new Map(),
      now: NOW,
    });
    const [linux, arm] = poolRows({
      pools,
      observation: obs,
      events: [],
      runnerPrefix: PREFIX,
      warm: warmRows,
      now: NOW,
    });
    expect(linux?.warm?.target).toMatchObject({ hot: 2, stopped: 3 });
    expect(arm).not.toHaveProperty("warm");
  });
});

describe("warmClaims", () => {
  it("reads hits and misses per pool from mayfly_warm_claims_total", async () => {
    const metrics = createMetrics();
    metrics.warmClaims.inc({ pool: "linux", result: "hot" }, 3);
    metrics.warmClaims.inc({ pool: "linux", result: "stopped" });
    metrics.warmClaims.inc({ pool: "linux", result: "miss" }, 2);
    metrics.warmClaims.inc({ pool: "arm", result: "miss" });
    const claims = await warmClaims(metrics);
    expect(Object.fromEntries(claims)).toEqual({
      linux: { hot: 3, stopped: 1, miss: 2 },
      arm: { hot: 0, stopped: 0, miss: 1 },
    });
  });

  it("is empty without metrics", async () => {
    expect((await warmClaims(undefined)).size).toBe(0);
  });
});
