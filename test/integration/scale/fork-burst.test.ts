import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../../sandbox/sandbox.js";
import { startMayfly } from "../../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../../src/mayfly.js";
import { waitFor } from "../../helpers/wait-for.js";

const OSS = ["self-hosted", "linux", "arm64", "mayfly-oss"];
const RUN_BY_ID = "GET /repos/{owner}/{repo}/actions/runs/{run_id}";
const RUNS = "GET /repos/{owner}/{repo}/actions/runs";

/**
 * Issue 15: the fork check of a public repository's burst is made by the scaler, before any launch, and
 * answered by a few listings of its runs, not one GET per run; it still refuses every run from a fork
 * (the pool `oss` sets no allowForks) and no webhook answer waits for it.
 */
describe("fork check in a burst", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly;
  beforeAll(async () => {
    sandbox = await startSandbox({ bootDelayMs: 50, agentBehaviour: () => "never-bootstrap" });
    mayfly = await startMayfly(sandbox, { env: { MAYFLY_ROLES: "webhooks,scaler" } });
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it("30 runs of acme/sdk, every third from a fork: forks denied before any launch, in a few GitHub calls", async () => {
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
    const launchedFor = () =>
      new Set(
        sandbox.ec2
          .instances()
          .flatMap((i) => (i.tags["mayfly:jobs"] ?? "").split(/\D+/).filter(Boolean).map(Number)),
      );
    const denied = await waitFor(
      "the forks' runs denied and the rest launched for",
      () => {
        const events = mayfly.events.list({ kinds: ["policy.denied"] }).filter((e) => e.jobId !== undefined);
        // The pool runs at most 10: the other 10 own runs wait at its cap.
        return events.length >= forks.size && launchedFor().size >= 10 ? events : undefined;
      },
      20_000,
    );
    expect(new Set(denied.map((e) => e.jobId))).toEqual(forks);
    expect(denied.every((e) => e.reason === "fork-not-allowed")).toBe(true);
    expect([...launchedFor()].filter((id) => forks.has(id))).toEqual([]);
    // Every delivery was answered without waiting on GitHub.
    expect(sandbox.github.deliveries().every((d) => d.statusCode === 200)).toBe(true);
    const calls = sandbox.github.stats().calls;
    const lookups = (calls[RUN_BY_ID] ?? 0) + (calls[RUNS] ?? 0);
    // One GET per run would be 30; the scaler's questions arrive together, so a handful of listings answer them.
    expect(lookups).toBeGreaterThan(0);
    expect(lookups).toBeLessThanOrEqual(6);
  });
});
