import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../sandbox/sandbox.js";
import { startMayfly } from "../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../src/mayfly.js";
import { waitFor } from "../helpers/wait-for.js";

/**
 * Issue 10 finding 10: a `queued` webhook for a job that already has its runner, arriving after SQS's
 * 5-minute deduplication window with a new delivery id, became a new scale message and launched again.
 * The attacker re-sends the job's signed `queued` delivery 6 minutes later (the app's clock and SQS's
 * dedup clock are moved on; GitHub's job keeps its created_at), while a new job is queued. Only the new
 * job may launch. Fails on the code
 * before a1b16e1: a second instance launches.
 */
describe("a late queued redelivery for a running job", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly & { url: string };
  let sqsOffsetMs = 0;
  beforeAll(async () => {
    sandbox = await startSandbox({ bootDelayMs: 50, sqs: { now: () => Date.now() + sqsOffsetMs } });
    mayfly = await startMayfly(sandbox, {
      env: {
        MAYFLY_ROLES: "webhooks,bootstrap,scaler",
        // A wide batch window, so the late duplicate shares a launch with a new job's, as in a busy
        // pool: alone it would reuse its first launch's ClientToken and EC2 would refuse it by luck.
        MAYFLY_LAUNCH_BATCH_WINDOW: "3000",
      },
    });
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it("launches nothing", { timeout: 60_000 }, async () => {
    const job = sandbox.github.enqueueJob({
      org: "acme",
      repo: "api",
      labels: ["mayfly-large"],
      durationMs: 120_000,
    });
    await waitFor("the job to run", () => sandbox.github.job(job.id)?.status === "in_progress", 30_000, 100);
    expect(sandbox.ec2.instances()).toHaveLength(1);
    const original = sandbox.github.deliveries().find((d) => d.action === "queued");
    expect(original).toBeDefined();

    sandbox.clock.advance(6 * 60_000);
    sqsOffsetMs += 6 * 60_000;
    const body = JSON.stringify(original!.payload);
    const duplicateDelivery = randomUUID();
    const secret = (await sandbox.env()).WEBHOOK_SECRET!;
    const res = await fetch(`${mayfly.url}/api/github/webhooks`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-github-event": "workflow_job",
        "x-github-delivery": duplicateDelivery,
        "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
      },
    });
    expect(res.status).toBeLessThan(300);
    // A new job arrives at the same time and needs its one launch.
    const next = sandbox.github.enqueueJob({
      org: "acme",
      repo: "api",
      labels: ["mayfly-large"],
      durationMs: 120_000,
    });
    await waitFor(
      "the new job to run",
      () => sandbox.github.job(next.id)?.status === "in_progress",
      30_000,
      100,
    );
    // The duplicate is handled within the batch window: acked at once (this process saw the job start)
    // or kept after a GET (another replica's view). Give it time to launch, if it would.
    const duplicate = () => {
      const q = sandbox.sqs.queue("mayfly-scale.fifo");
      return [...(q?.visible ?? []), ...(q?.inFlight ?? []), ...(q?.delayed ?? [])].find((m) =>
        m.body.includes(duplicateDelivery),
      );
    };
    const jobGets = () =>
      sandbox.github.stats().calls["GET /repos/{owner}/{repo}/actions/jobs/{job_id}"] ?? 0;
    await waitFor(
      "the late duplicate to be checked",
      () => !duplicate() || jobGets() >= 2 || sandbox.ec2.instances().length > 2,
      20_000,
      100,
    );
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    // One instance for each job: the late duplicate launched nothing.
    expect(sandbox.ec2.instances()).toHaveLength(2);
  });
});
