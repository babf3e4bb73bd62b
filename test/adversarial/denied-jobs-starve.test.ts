import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../sandbox/sandbox.js";
import { startMayfly } from "../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../src/mayfly.js";
import { waitFor } from "../helpers/wait-for.js";

/**
 * The attacker is a repository the pool refuses: it queues jobs with the pool's labels. Mayfly launches
 * nothing for them, but GitHub hands each one the next idle runner of those labels, which is a runner
 * launched for an admitted job; the policy catches it and terminates the instance, and the admitted job
 * is relaunched. Were those launches counted against the admitted job's cap (3), four denied jobs would
 * make it give up and be dead-lettered: a denial of service by anyone who can push a workflow. Found by
 * chaos seed 7000; fails before the reaper marked taken runners (`mayfly:taken`).
 */
const LARGE = ["self-hosted", "linux", "x64", "mayfly-large"];

describe("denied jobs that take an admitted job's runners", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly;
  beforeAll(async () => {
    sandbox = await startSandbox({ bootDelayMs: 50 });
    mayfly = await startMayfly(sandbox, { env: { MAYFLY_RECHECK_INTERVAL: "10s" } });
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it("do not use up its launches: it still runs, and nothing is given up", { timeout: 240_000 }, async () => {
    // acme/infra is not among `large`'s repositories; these wait in GitHub's queue, oldest first.
    const denied = [1, 2, 3, 4].map(() =>
      sandbox.github.enqueueJob({ org: "acme", repo: "infra", labels: LARGE, durationMs: 60_000 }),
    );
    await waitFor("every denial", () => mayfly.events.list({ kinds: ["policy.denied"] }).length === 4);
    const admitted = sandbox.github.enqueueJob({ org: "acme", repo: "api", labels: LARGE, durationMs: 300 });

    await waitFor(
      "the admitted job to finish, or the scaler to give up",
      () =>
        sandbox.github.job(admitted.id)?.status === "completed" ||
        mayfly.events.list({ kinds: ["launch.gave-up"] }).length > 0,
      200_000,
      250,
    );
    expect(mayfly.events.list({ kinds: ["launch.gave-up"] })).toEqual([]);
    expect(sandbox.github.job(admitted.id)).toMatchObject({ status: "completed", conclusion: "success" });
    expect(sandbox.sqs.queue("mayfly-dead-letter.fifo")?.visible ?? []).toHaveLength(0);

    // Every denied job that took a runner was contained, and its instance carries the mark.
    const caught = mayfly.events.list({ kinds: ["policy.violation"] }).map((e) => e.jobId);
    expect(caught.length).toBeGreaterThanOrEqual(3);
    for (const jobId of caught) {
      expect(denied.map((j) => j.id)).toContain(jobId);
      const instance = sandbox.ec2.instances().find((i) => i.tags["mayfly:taken"] === String(jobId));
      expect(instance?.tags["mayfly:pool"]).toBe("large");
      expect(["shutting-down", "terminated"]).toContain(instance?.state);
    }
  });
});
