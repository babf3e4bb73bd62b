import { afterEach, describe, expect, it } from "vitest";
import { type Sandbox, type SandboxOptions, startSandbox } from "../../../sandbox/sandbox.js";
import { SANDBOX_POOLS_YAML } from "../../../sandbox/sandbox-pools.js";
import { startMayfly } from "../../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../../src/mayfly.js";
import { waitFor } from "../../helpers/wait-for.js";

const SMALL = ["self-hosted", "linux", "x64", "mayfly-small"];
const live = (s: Sandbox, pool: string) =>
  s.ec2
    .instances()
    .filter((i) => i.tags["mayfly:pool"] === pool && (i.state === "pending" || i.state === "running")).length;

describe("capacity", () => {
  let sandbox: Sandbox | undefined;
  let mayfly: Mayfly | undefined;
  afterEach(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
    mayfly = sandbox = undefined;
  });
  async function start(options: SandboxOptions = {}, env: Record<string, string> = {}) {
    sandbox = await startSandbox({ bootDelayMs: 50, ...options });
    mayfly = await startMayfly(sandbox, { env });
    return sandbox;
  }

  it("at a pool's max, excess jobs wait and launch as capacity frees; none is dropped", {
    timeout: 60_000,
  }, async () => {
    const s = await start({ poolsYaml: SANDBOX_POOLS_YAML.replace("maxRunners: 50", "maxRunners: 2") });
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, live(s, "small"));
    }, 20);
    const jobs = Array.from({ length: 6 }, () =>
      s.github.enqueueJob({ org: "acme", repo: "api", labels: SMALL, durationMs: 400 }),
    );
    try {
      await waitFor(
        "every job completed",
        () => jobs.every((j) => s.github.job(j.id)?.status === "completed"),
        50_000,
      );
    } finally {
      clearInterval(sampler);
    }
    expect(jobs.map((j) => s.github.job(j.id)?.conclusion)).toEqual(Array(6).fill("success"));
    expect(peak).toBe(2);
    expect(mayfly!.events.list({ kinds: ["launch.deferred"] }).length).toBeGreaterThan(0);
    await waitFor("all terminated", () => live(s, "small") === 0);
  });

  it("falls back from a type without capacity to the next, then from spot to on-demand", {
    timeout: 30_000,
  }, async () => {
    const s = await start(
      {
        agentBehaviour: () => "never-bootstrap",
        ec2: {
          capacity: [
            { market: "spot", instanceType: "t3.medium", limit: 0 },
            { market: "spot", instanceType: "t3a.medium", limit: 1 },
          ],
        },
      },
      { MAYFLY_ROLES: "webhooks,bootstrap,scaler" },
    );
    for (let i = 0; i < 3; i++)
      s.github.enqueueJob({ org: "acme", repo: "api", labels: SMALL, durationMs: 100 });
    await waitFor("three instances", () => s.ec2.instances().length === 3);
    const launched = s.ec2
      .instances()
      .map((i) => `${i.market}:${i.instanceType}`)
      .sort();
    expect(launched).toEqual(["on-demand:t3.medium", "on-demand:t3.medium", "spot:t3a.medium"]);
    expect(s.ec2.stats().errors.RunInstances ?? 0).toBeGreaterThan(0);
    await expect(
      mayfly!.metrics.registry.getSingleMetricAsString("mayfly_launches_total"),
    ).resolves.toContain('result="capacity"');
  });

  it("backs off on RequestLimitExceeded and every job still gets its launch", {
    timeout: 60_000,
  }, async () => {
    const s = await start(
      { agentBehaviour: () => "never-bootstrap" },
      { MAYFLY_ROLES: "webhooks,bootstrap,scaler" },
    );
    s.ec2.injectFault({ action: "RunInstances", code: "RequestLimitExceeded", count: 3 });
    const jobs = Array.from({ length: 5 }, () =>
      s.github.enqueueJob({ org: "acme", repo: "api", labels: SMALL, durationMs: 100 }),
    );
    await waitFor("five instances", () => s.ec2.instances().length === 5, 50_000);
    expect(s.ec2.stats().throttled.RunInstances).toBe(3);
    expect(
      mayfly!.events.list({ kinds: ["launch.failed"] }).every((e) => e.reason === "ThrottledError"),
    ).toBe(true);
    expect(jobs).toHaveLength(5);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(s.ec2.instances()).toHaveLength(5);
  });
});
