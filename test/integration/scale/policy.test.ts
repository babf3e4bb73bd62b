import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../../sandbox/sandbox.js";
import { startMayfly } from "../../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../../src/mayfly.js";
import { waitFor } from "../../helpers/wait-for.js";

const SMALL = ["self-hosted", "linux", "x64", "mayfly-small"];
const LARGE = ["self-hosted", "linux", "x64", "mayfly-large"];
const OSS = ["self-hosted", "linux", "arm64", "mayfly-oss"];

describe("deny by default", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly;
  beforeAll(async () => {
    sandbox = await startSandbox({ bootDelayMs: 50, agentBehaviour: () => "never-bootstrap" });
    // A second org that installed the App but that no pool admits.
    sandbox.github.addOrg("evil");
    sandbox.github.addRepo({ owner: "evil", name: "miner", visibility: "private" });
    sandbox.github.installApp(sandbox.app.id, "evil");
    mayfly = await startMayfly(sandbox, { env: { MAYFLY_ROLES: "webhooks,bootstrap,scaler" } });
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it.each([
    ["an org no pool admits", { org: "evil", repo: "miner", labels: SMALL }, "org-not-allowed", /org evil/],
    [
      "a repository outside the pool's patterns",
      { org: "acme", repo: "infra", labels: LARGE },
      "repo-not-allowed",
      /acme\/infra/,
    ],
    [
      "a public repository the pool does not allow",
      { org: "acme", repo: "docs", labels: SMALL },
      "visibility-not-allowed",
      /public/,
    ],
    [
      "a run from a fork without allowForks",
      { org: "acme", repo: "sdk", labels: OSS, fromFork: true },
      "fork-not-allowed",
      /fork/,
    ],
  ])("refuses %s, records why, and launches nothing", async (_, job, code, reason) => {
    const before = sandbox.ec2.instances().length;
    const queued = sandbox.github.enqueueJob({ ...job, durationMs: 100 });
    const denial = await waitFor("denial event", () =>
      mayfly.events.list({ kinds: ["policy.denied"] }).find((e) => e.jobId === queued.id),
    );
    expect(denial.reason).toBe(code);
    expect(denial.message).toMatch(reason);
    const metrics = await mayfly.metrics.registry.getSingleMetricAsString("mayfly_policy_decisions_total");
    expect(metrics).toContain(`mayfly_policy_decisions_total{decision="deny",reason="${code}"} 1`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sandbox.ec2.instances()).toHaveLength(before);
  });

  it("ignores labels no pool claims: no launch, no denial, a note naming the nearest pool", async () => {
    const queued = sandbox.github.enqueueJob({
      org: "acme",
      repo: "api",
      labels: ["self-hosted", "gpu"],
      durationMs: 100,
    });
    await waitFor(
      "delivery answered",
      () =>
        sandbox.github
          .deliveries()
          .find((d) => (d.payload as { workflow_job?: { id: number } }).workflow_job?.id === queued.id)
          ?.statusCode === 200,
    );
    // Only the note for the dashboard: the pool it nearly matched (issue 12), no launch, no denial.
    const events = mayfly.events.list().filter((e) => e.jobId === queued.id);
    expect(events.map((e) => e.kind)).toEqual(["job.ignored"]);
    expect(events[0]?.message).toContain('nearest is "small", which lacks [gpu]');
    expect(await mayfly.metrics.registry.getSingleMetricAsString("mayfly_webhooks_total")).toContain(
      'action="queued",result="ignored"',
    );
  });

  it("admits the same public repository's own runs, and a private repo in the pattern", async () => {
    const before = sandbox.ec2.instances().length;
    sandbox.github.enqueueJob({ org: "acme", repo: "sdk", labels: OSS, durationMs: 100 });
    sandbox.github.enqueueJob({ org: "acme", repo: "web", labels: LARGE, durationMs: 100 });
    await waitFor("two launches", () => sandbox.ec2.instances().length === before + 2);
    const pools = sandbox.ec2
      .instances()
      .map((i) => i.tags["mayfly:pool"])
      .sort();
    expect(pools).toEqual(["large", "oss"]);
  });
});
