import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../sandbox/sandbox.js";
import { startMayfly } from "../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../src/mayfly.js";
import { waitFor } from "../helpers/wait-for.js";

/**
 * Issue 10 finding 9: a job whose instance never enrols got a new instance every boot timeout without
 * limit. Here the attacker is the instance: it boots and never enrols, and each one is then lost (powered
 * off, as the reaper does at the boot timeout). The job must get at most 3 launches, then be reported as
 * failed to get a runner, and get no more instances. Fails on the code before a1b16e1: the fourth
 * instance launches.
 */
describe("a job whose instances never enrol", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly;
  beforeAll(async () => {
    sandbox = await startSandbox({ bootDelayMs: 50, agentBehaviour: () => "never-bootstrap" });
    mayfly = await startMayfly(sandbox, {
      env: { MAYFLY_ROLES: "webhooks,bootstrap,scaler", MAYFLY_RECHECK_INTERVAL: "10s" },
    });
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it("gets at most 3 launches, then is reported and launches nothing more", {
    timeout: 240_000,
  }, async () => {
    const job = sandbox.github.enqueueJob({
      org: "acme",
      repo: "api",
      labels: ["mayfly-large"],
      durationMs: 200,
    });
    const forJob = () =>
      sandbox.ec2
        .instances()
        .filter((i) => (i.tags["mayfly:jobs"] ?? "").split(" ").includes(String(job.id)));
    const gaveUp = () => mayfly.events.list({ kinds: ["launch.gave-up"] });
    await waitFor(
      "the scaler to give up, or a fourth launch",
      () => {
        // Every instance that comes up is lost before it enrols.
        for (const i of forJob()) if (i.state === "running") sandbox.ec2.powerOff(i.instanceId);
        return gaveUp().length > 0 || forJob().length > 3;
      },
      200_000,
      250,
    );
    expect(forJob()).toHaveLength(3);
    expect(gaveUp()).toMatchObject([{ jobId: job.id, pool: "large", reason: "launch-limit" }]);
    expect(sandbox.sqs.queue("mayfly-dead-letter.fifo")?.visible).toHaveLength(1);
    // Nothing comes back for it: past a recheck interval, still three.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect(forJob()).toHaveLength(3);
    expect(sandbox.github.job(job.id)?.status).toBe("queued");
  });
});
