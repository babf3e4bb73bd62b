import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentEvent } from "../../emulators/src/agent/runner-agent.js";
import { type Sandbox, startSandbox } from "../../sandbox/sandbox.js";
import { startMayfly } from "../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../src/mayfly.js";
import { waitFor } from "../helpers/wait-for.js";

const SMALL = ["self-hosted", "linux", "x64", "mayfly-small"];

/**
 * Issue 10, finding 1: the job is the attacker. It keeps its instance up after its job, reads user-data
 * and the identity document from IMDS, and once GitHub has removed the finished JIT runner presents them
 * to /bootstrap again, from the instance and from outside, hoping for another repository's next job.
 */
describe("a job that replays its instance's enrolment after its job", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly & { url: string };
  beforeAll(async () => {
    sandbox = await startSandbox({ bootDelayMs: 50, agentBehaviour: () => "replay-after-job" });
    mayfly = await startMayfly(sandbox, { env: { MAYFLY_ROLES: "webhooks,bootstrap,scaler" } });
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it("gets no second JIT config, on the instance or off it, and runs no other job", async () => {
    sandbox.github.enqueueJob({ org: "acme", repo: "api", labels: SMALL, durationMs: 50 });
    const replay = await waitFor(
      "the job replayed the enrolment",
      () =>
        sandbox.agents.events.find(
          (e): e is Extract<AgentEvent, { kind: "replayed" }> => e.kind === "replayed",
        ),
      30_000,
    );
    expect(replay.status).toBe(403);
    // Off the instance, with what the job stole.
    const outside = await fetch(replay.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: replay.body,
    });
    expect(outside.status).not.toBe(200);
    await outside.body?.cancel();
    // Another repository's job must land on a fresh instance, never on the attacker's.
    sandbox.github.enqueueJob({ org: "acme", repo: "infra", labels: SMALL, durationMs: 50 });
    await waitFor(
      "the second job ran",
      () => sandbox.agents.events.filter((e) => e.kind === "job-finished").length >= 2,
      30_000,
    );
    const started = sandbox.agents.events.filter((e) => e.kind === "job-started");
    expect(started.filter((e) => e.instanceId === replay.instanceId)).toHaveLength(1);
    const issued = mayfly.events.list({ kinds: ["bootstrap.issued"] });
    expect(issued.filter((e) => e.instanceId === replay.instanceId)).toHaveLength(1);
  });
});
