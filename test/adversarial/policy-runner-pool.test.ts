import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../sandbox/sandbox.js";
import { SANDBOX_POOLS_YAML } from "../../sandbox/sandbox-pools.js";
import { startMayfly } from "../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../src/mayfly.js";
import { waitFor } from "../helpers/wait-for.js";

/**
 * Finding 4 (issue 10): the attacker is a workflow whose `runs-on` lets GitHub hand it a Mayfly runner of
 * a pool that does not admit its repository. The runner-side check must judge the job by the pool of the
 * runner that took it, and a job that matches no pool at all is a violation too.
 */

/** `small` is a catch-all pool for the whole org; `large` admits two repositories only. */
const CATCH_ALL_YAML = SANDBOX_POOLS_YAML.replace(
  "labels: [self-hosted, linux, x64, mayfly-small]",
  "labels: [self-hosted, linux, x64]",
);
/** Pools list only their own label; GitHub adds self-hosted, Linux and X64 to their runners itself. */
const BARE_LABELS_YAML = SANDBOX_POOLS_YAML.replace(
  "labels: [self-hosted, linux, x64, mayfly-large]",
  "labels: [mayfly-large]",
).replace("labels: [self-hosted, linux, x64, mayfly-small]", "labels: [mayfly-small]");
const GENERIC = ["self-hosted", "linux", "x64"];
const LARGE = ["self-hosted", "linux", "x64", "mayfly-large"];

async function start(poolsYaml: string): Promise<{ sandbox: Sandbox; mayfly: Mayfly }> {
  const sandbox = await startSandbox({
    bootDelayMs: 100,
    poolsYaml,
    github: { runnerOfflineAfterMs: 1_500 },
    // The small pool's machines never come up, so the large pool's runner is the only one GitHub can use.
    agentBehaviour: (instance) => (instance.tags["mayfly:pool"] === "small" ? "never-bootstrap" : "normal"),
  });
  return { sandbox, mayfly: await startMayfly(sandbox) };
}

async function expectContained(sandbox: Sandbox, mayfly: Mayfly, jobId: number) {
  const violation = await waitFor("violation", () =>
    mayfly.events.list({ kinds: ["policy.violation"] }).find((e) => e.jobId === jobId),
  );
  const victim = violation.runnerName!.replace("mayfly-", "");
  expect(sandbox.ec2.instance(victim)?.tags["mayfly:pool"]).toBe("large");
  await waitFor("runner's instance terminated", () =>
    ["shutting-down", "terminated"].includes(sandbox.ec2.instance(victim)?.state ?? ""),
  );
  await waitFor("the job ended", () => sandbox.github.job(jobId)?.status === "completed", 20_000);
  expect(sandbox.github.job(jobId)?.conclusion).not.toBe("success");
  return violation;
}

describe("a job is judged by its runner's pool", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly;
  beforeAll(async () => ({ sandbox, mayfly } = await start(CATCH_ALL_YAML)));
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it("terminates a runner of `large` that took a job only `small` admits", { timeout: 60_000 }, async () => {
    // acme/infra may use `small` (acme/*), not `large`; its generic labels fit a large runner too.
    const intruder = sandbox.github.enqueueJob({
      org: "acme",
      repo: "infra",
      labels: GENERIC,
      durationMs: 3_000,
    });
    await waitFor("intruder's launch", () =>
      mayfly.events.list({ kinds: ["job.queued"] }).some((e) => e.jobId === intruder.id),
    );
    sandbox.github.enqueueJob({ org: "acme", repo: "api", labels: LARGE, durationMs: 300 });
    const violation = await expectContained(sandbox, mayfly, intruder.id);
    expect(violation).toMatchObject({ reason: "repo-not-allowed", pool: "large", repo: "acme/infra" });
    expect(await mayfly.metrics.registry.getSingleMetricAsString("mayfly_policy_decisions_total")).toContain(
      'mayfly_policy_decisions_total{decision="violation",reason="repo-not-allowed"} 1',
    );
  });
});

describe("a job that matches no pool may not use a Mayfly runner", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly;
  beforeAll(async () => ({ sandbox, mayfly } = await start(BARE_LABELS_YAML)));
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it("terminates the runner even though its pool admits the repository", { timeout: 60_000 }, async () => {
    // No pool lists `linux`, so Mayfly launches nothing for this job; GitHub's built-in labels on the
    // large runner still fit it. acme/api is admitted by `large`: only the no-pool rule catches it.
    const stray = sandbox.github.enqueueJob({ org: "acme", repo: "api", labels: GENERIC, durationMs: 3_000 });
    await waitFor("stray job seen", () =>
      mayfly.metrics.registry
        .getSingleMetricAsString("mayfly_webhooks_total")
        .then((text) => text.includes('action="queued",result="ignored"')),
    );
    sandbox.github.enqueueJob({ org: "acme", repo: "api", labels: ["mayfly-large"], durationMs: 300 });
    const violation = await expectContained(sandbox, mayfly, stray.id);
    expect(violation).toMatchObject({ reason: "no-pool", pool: "large", repo: "acme/api" });
  });
});
