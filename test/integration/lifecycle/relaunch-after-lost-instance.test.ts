import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../../sandbox/sandbox.js";
import { startMayfly } from "../../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../../src/mayfly.js";
import { waitFor } from "../../helpers/wait-for.js";

/**
 * Regression test for a bug the chaos suite found (seeds 7000, 7002, 7007, 7008 of `npm run test:chaos`),
 * fixed in 7b7c195. A job whose first
 * instance dies before it takes a job (refused at bootstrap after a crash, interrupted, never booted) is
 * relaunched on recheck. The relaunch reused the launch's ClientToken with new user-data (a fresh
 * bootstrap token), EC2 answered IdempotentParameterMismatch, the scaler dead-lettered the message as a
 * configuration error, and the job waited forever. Pool `large` has one subnet, so it always hit it.
 */
describe("a job whose instance died before bootstrapping", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly;
  let first: string | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({
      bootDelayMs: 100,
      // The first instance never bootstraps: it stands for one refused at bootstrap or lost at boot.
      agentBehaviour: (instance) => {
        first ??= instance.instanceId;
        return instance.instanceId === first ? "never-bootstrap" : "normal";
      },
    });
    mayfly = await startMayfly(sandbox, { env: { MAYFLY_RECHECK_INTERVAL: "10s" } });
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it("is relaunched and runs", { timeout: 40_000 }, async () => {
    const job = sandbox.github.enqueueJob({
      org: "acme",
      repo: "api",
      labels: ["mayfly-large"],
      durationMs: 200,
    });
    const lost = await waitFor(
      "the first instance",
      () => first !== undefined && sandbox.ec2.instance(first)?.state === "running" && first,
    );
    sandbox.ec2.powerOff(lost);
    const done = await waitFor(
      "the job to complete",
      () => sandbox.github.job(job.id)?.status === "completed" && sandbox.github.job(job.id),
      30_000,
      200,
    );
    expect(done.runnerName).toMatch(/^mayfly-i-/);
    expect(sandbox.sqs.queue("mayfly-dead-letter.fifo")?.visible).toEqual([]);
  });
});
