import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../../sandbox/sandbox.js";
import { startMayfly } from "../../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../../src/mayfly.js";
import { waitFor } from "../../helpers/wait-for.js";

describe("a normal job, end to end", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly;
  beforeAll(async () => {
    sandbox = await startSandbox({ bootDelayMs: 100 });
    mayfly = await startMayfly(sandbox);
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it("launches, bootstraps, runs the job, and leaves nothing behind", async () => {
    const job = sandbox.github.enqueueJob({
      org: "acme",
      repo: "api",
      labels: ["self-hosted", "linux", "x64", "mayfly-small"],
      durationMs: 300,
    });
    const done = await waitFor(
      "job completed",
      () => sandbox.github.job(job.id)?.status === "completed" && sandbox.github.job(job.id),
    );
    expect(done.conclusion).toBe("success");
    expect(done.runnerName).toMatch(/^mayfly-i-[0-9a-f]+$/);
    await waitFor("instance terminated", () =>
      sandbox.ec2.instances().every((i) => i.state === "terminated"),
    );
    await waitFor("runner gone", () => sandbox.github.runners("acme").length === 0);
    // The completed webhook is delivered on its own schedule: it may land after the instance is gone.
    await waitFor("job.completed recorded", () =>
      mayfly.events.list().some((e) => e.kind === "job.completed"),
    );
    const kinds = mayfly.events.list().map((e) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        "job.queued",
        "launch.requested",
        "bootstrap.issued",
        "job.started",
        "job.completed",
      ]),
    );
  });
});
