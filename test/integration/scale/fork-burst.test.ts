import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../../sandbox/sandbox.js";
import { startMayfly } from "../../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../../src/mayfly.js";
import { waitFor } from "../../helpers/wait-for.js";

const OSS = ["self-hosted", "linux", "arm64", "mayfly-oss"];
const RUN_BY_ID = "GET /repos/{owner}/{repo}/actions/runs/{run_id}";
const RUNS = "GET /repos/{owner}/{repo}/actions/runs";

/**
 * Issue 15: the fork check of a public repository's burst is answered by a few listings of its runs, not
 * one GET per run, and still refuses every run from a fork (the pool `oss` sets no allowForks).
 */
describe("fork check in a burst", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly;
  beforeAll(async () => {
    sandbox = await startSandbox({ bootDelayMs: 50, agentBehaviour: () => "never-bootstrap" });
    mayfly = await startMayfly(sandbox, { env: { MAYFLY_ROLES: "webhooks" } });
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it("30 runs of acme/sdk, every third from a fork: forks denied, the rest queued, in a few GitHub calls", async () => {
    const jobs = Array.from({ length: 30 }, (_, i) =>
      sandbox.github.enqueueJob({
        org: "acme",
        repo: "sdk",
        labels: OSS,
        durationMs: 100,
        fromFork: i % 3 === 2,
      }),
    );
    const forks = new Set(jobs.filter((_, i) => i % 3 === 2).map((j) => j.id));
    const decided = () => {
      const denied = mayfly.events.list({ kinds: ["policy.denied"] }).filter((e) => e.jobId !== undefined);
      const queued = mayfly.events.list({ kinds: ["job.queued"] }).filter((e) => e.jobId !== undefined);
      return denied.length + queued.length >= jobs.length ? { denied, queued } : undefined;
    };
    const { denied, queued } = await waitFor("every job decided", decided, 20_000);
    expect(new Set(denied.map((e) => e.jobId))).toEqual(forks);
    expect(denied.every((e) => e.reason === "fork-not-allowed")).toBe(true);
    expect(queued.some((e) => forks.has(e.jobId ?? 0))).toBe(false);
    const calls = sandbox.github.stats().calls;
    const lookups = (calls[RUN_BY_ID] ?? 0) + (calls[RUNS] ?? 0);
    // One GET per run would be 30; queued deliveries arrive together, so a handful of listings answer them.
    expect(lookups).toBeGreaterThan(0);
    expect(lookups).toBeLessThanOrEqual(6);
  });
});
