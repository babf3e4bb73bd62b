import pino from "pino";
import { describe, expect, it } from "vitest";
import { createMemoryFleet } from "../../../src/aws/memory-fleet.js";
import { CapacityError, LaunchTokenReusedError } from "../../../src/errors.js";
import { EventLog } from "../../../src/events/event-log.js";
import { createMetrics } from "../../../src/metrics.js";
import type { Pool } from "../../../src/pool-file.js";
import type { ScaleMessage } from "../../../src/queue/messages.js";
import { TokenBucket } from "../../../src/rate/token-bucket.js";
import { createReport } from "../../../src/report/report.js";
import { createLauncher, launchTemplateOf } from "../../../src/scaler/launcher.js";
import { makePool } from "../domain/make-pool.js";

function setup(options: { prefix?: string } = {}) {
  const now = () => 1_000_000;
  const fleet = createMemoryFleet({ now });
  const events = new EventLog({ now });
  const metrics = createMetrics();
  const launcher = createLauncher({
    fleet,
    tokens: { issue: async (claims) => `token-${claims.launch}` },
    requestBucket: new TokenBucket({ capacity: 100, refillPerSecond: 100, now }),
    publicUrl: "https://mayfly.example.com",
    deploymentId: "mayfly",
    launchTemplatePrefix: options.prefix,
    batchWindowMs: 0,
    metrics,
    report: createReport({ events, metrics, log: pino({ level: "silent" }) }),
    log: pino({ level: "silent" }),
    now,
  });
  return { fleet, events, launcher };
}

const message = (jobId: number): ScaleMessage => ({
  kind: "scale",
  jobId,
  runId: 1,
  runAttempt: 1,
  org: "acme",
  repo: "acme/api",
  installationId: 1,
  pool: "linux",
  labels: ["linux"],
  jobCreatedAt: 0,
  receivedAt: 0,
  deliveryId: `d-${jobId}`,
});

describe("launcher", () => {
  it.each([
    { reason: "breaker", market: "spot-then-on-demand", fallbacks: ["breaker"] },
    { reason: "rerun", market: "spot-then-on-demand", fallbacks: [] },
    { reason: undefined, market: "spot", fallbacks: [] },
  ] as const)("on-demand for $reason on a $market pool: fallbacks $fallbacks", async (row) => {
    const { fleet, events, launcher } = setup();
    const pool = makePool({ market: row.market });
    const result = await launcher.request(pool, message(1), 1, row.reason);
    expect(result.ok).toBe(true);
    expect(fleet.launches[0]?.market).toBe(row.reason ? "on-demand" : "spot");
    const fallbacks = events.list().filter((e) => e.kind === "launch.fallback");
    expect(fallbacks.map((e) => e.reason)).toEqual(row.fallbacks);
    if (row.reason === "breaker") expect(fallbacks[0]?.message).toMatch(/instead of spot: .*breaker is open/);
  });

  it("launches jobs that arrive together in one RunInstances, tagged with every job", async () => {
    const { fleet, launcher } = setup();
    const pool = makePool();
    const results = await Promise.all([1, 2, 3].map((id) => launcher.request(pool, message(id), 1)));
    expect(fleet.launches).toHaveLength(1);
    expect(fleet.launches[0]).toMatchObject({
      count: 3,
      tags: { "mayfly:jobs": "1 2 3", "mayfly:pool": "linux" },
    });
    const launches = new Set(results.map((r) => (r.ok ? r.launch : "failed")));
    expect([...launches]).toEqual([fleet.launches[0]?.tags["mayfly:launch"]]);
  });

  it("tags a fallback launch only with the jobs still waiting", async () => {
    const { fleet, launcher } = setup();
    const pool = makePool({ instanceTypes: ["m7i.large", "m6i.large"] });
    fleet.setCapacity({ instanceType: "m7i.large", limit: 1 });
    const results = await Promise.all([1, 2].map((id) => launcher.request(pool, message(id), 1)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(fleet.launches.map((l) => [l.instanceType, l.tags["mayfly:jobs"]])).toEqual([
      ["m7i.large", "1 2"],
      ["m6i.large", "2"],
    ]);
  });

  it("a later delivery of the same job gets a new ClientToken", async () => {
    const { fleet, launcher } = setup();
    await launcher.request(makePool(), message(1), 1);
    await launcher.request(makePool(), message(1), 2);
    const [first, second] = fleet.launches;
    expect(first?.clientToken).not.toBe(second?.clientToken);
  });

  it("surfaces a failed launch to every job of the batch, and as one event", async () => {
    const { fleet, events, launcher } = setup();
    fleet.failNext("launch", new LaunchTokenReusedError("EC2 IdempotentParameterMismatch"));
    const results = await Promise.all([1, 2].map((id) => launcher.request(makePool(), message(id), 1)));
    expect(results.map((r) => !r.ok && r.error.name)).toEqual([
      "LaunchTokenReusedError",
      "LaunchTokenReusedError",
    ]);
    expect(events.list({ kinds: ["launch.failed"] })).toHaveLength(1);
  });

  it("tries every fallback before failing on capacity", async () => {
    const { fleet, launcher } = setup();
    const pool = makePool({
      instanceTypes: ["m7i.large", "m6i.large"],
      subnets: ["subnet-0000000a", "subnet-0000000b"],
    });
    fleet.setCapacity({ limit: 0 });
    const result = await launcher.request(pool, message(1), 1);
    expect(!result.ok && result.error).toBeInstanceOf(CapacityError);
    expect(fleet.launches).toHaveLength(4);
  });

  it("launches with the pool's own launch template when it names one", async () => {
    const { fleet, launcher } = setup({ prefix: "Mayfly-" });
    await launcher.request(makePool({ launchTemplate: "Stack-linux" }), message(1), 1);
    await launcher.request(makePool({ name: "other" }), message(2), 1);
    expect(fleet.launches.map((l) => l.launchTemplate)).toEqual(["Stack-linux", "Mayfly-other"]);
  });
});

describe("launchTemplateOf", () => {
  it.each<[Partial<Pool>, string | undefined, string | undefined]>([
    [{ launchTemplate: "Stack-linux" }, "Mayfly-", "Stack-linux"],
    [{ launchTemplate: "Stack-linux" }, undefined, "Stack-linux"],
    [{}, "Mayfly-", "Mayfly-linux"],
    [{}, undefined, undefined],
  ])("pool %j, prefix %s → %s", (pool, prefix, expected) => {
    expect(launchTemplateOf(makePool(pool), prefix)).toBe(expected);
  });
});
