import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../../sandbox/sandbox.js";
import { startMayfly } from "../../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../../src/mayfly.js";
import { waitFor } from "../../helpers/wait-for.js";

const LARGE = ["self-hosted", "linux", "x64", "mayfly-large"];

describe("deny by default holds on the runner", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly;
  beforeAll(async () => {
    sandbox = await startSandbox({ bootDelayMs: 100, github: { runnerOfflineAfterMs: 1_500 } });
    mayfly = await startMayfly(sandbox);
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it("terminates a runner GitHub handed a denied job, and the allowed job still runs", {
    timeout: 60_000,
  }, async () => {
    // acme/infra may not use the large pool; GitHub still routes its job (the oldest) to the first
    // idle runner with matching labels, which is the one launched for acme/api's job.
    const denied = sandbox.github.enqueueJob({
      org: "acme",
      repo: "infra",
      labels: LARGE,
      durationMs: 3_000,
    });
    await waitFor("denial", () =>
      mayfly.events.list({ kinds: ["policy.denied"] }).some((e) => e.jobId === denied.id),
    );
    const allowed = sandbox.github.enqueueJob({ org: "acme", repo: "api", labels: LARGE, durationMs: 300 });

    const violation = await waitFor("violation", () =>
      mayfly.events.list({ kinds: ["policy.violation"] }).find((e) => e.jobId === denied.id),
    );
    expect(violation).toMatchObject({ reason: "repo-not-allowed", repo: "acme/infra" });
    const victim = violation.runnerName!.replace("mayfly-", "");
    await waitFor("runner's instance terminated", () =>
      ["shutting-down", "terminated"].includes(sandbox.ec2.instance(victim)?.state ?? ""),
    );
    await waitFor(
      "denied job ended without finishing",
      () => sandbox.github.job(denied.id)?.status === "completed",
      20_000,
    );
    expect(sandbox.github.job(denied.id)?.conclusion).not.toBe("success");

    await waitFor("allowed job ran", () => sandbox.github.job(allowed.id)?.conclusion === "success", 40_000);
    await waitFor(
      "nothing left",
      () =>
        sandbox.ec2.instances().every((i) => i.state === "terminated") &&
        sandbox.github.runners("acme").length === 0,
      20_000,
    );
    expect(await mayfly.metrics.registry.getSingleMetricAsString("mayfly_policy_decisions_total")).toContain(
      'mayfly_policy_decisions_total{decision="violation",reason="repo-not-allowed"} 1',
    );
  });
});
