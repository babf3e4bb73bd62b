import { afterEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../../sandbox/sandbox.js";
import { startMayfly } from "../../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../../src/mayfly.js";
import { waitFor } from "../../helpers/wait-for.js";

/**
 * Spot interruptions end to end (issue 14): the EC2 emulator's warning goes through the EventBridge
 * emulation to the reap queue over SQS, Mayfly's reaper handles it with the real SDK clients and Octokit,
 * and the GitHub emulator re-runs the job. Pool `small` is spot-then-on-demand.
 */
let sandbox: Sandbox | undefined;
let mayfly: Mayfly | undefined;

afterEach(async () => {
  await mayfly?.stop();
  await sandbox?.stop();
  mayfly = undefined;
  sandbox = undefined;
});

const poolInstances = (s: Sandbox) => s.ec2.instances().filter((i) => i.tags["mayfly:pool"] === "small");

describe("a spot interruption", () => {
  it("during a job: the job is re-run exactly once, on on-demand", { timeout: 60_000 }, async () => {
    sandbox = await startSandbox({
      bootDelayMs: 100,
      ec2Events: true,
      github: { runnerOfflineAfterMs: 500 },
    });
    const s = sandbox;
    mayfly = await startMayfly(s);
    const job = s.github.enqueueJob({
      org: "acme",
      repo: "api",
      labels: ["mayfly-small"],
      durationMs: 1_500,
    });
    const running = await waitFor("the job to start", () => s.github.job(job.id)?.status === "in_progress");
    expect(running).toBe(true);
    const [victim] = poolInstances(s);
    expect(victim?.market).toBe("spot");
    const victimId = victim?.instanceId ?? "";
    s.ec2.interruptSpot(victimId, { noticeMs: 300 });

    const rerun = await waitFor(
      "the re-run to complete",
      () =>
        s.github.jobs().find((j) => j.runId === job.runId && j.runAttempt === 2 && j.status === "completed"),
      40_000,
      100,
    );
    expect(s.github.job(job.id)?.conclusion).toMatch(/failure|cancelled/);
    expect(rerun.conclusion).toBe("success");
    expect(s.github.jobs().filter((j) => j.runId === job.runId)).toHaveLength(2);
    expect(s.ec2.instance(victimId)?.tags["mayfly:interrupted"]).toMatch(/^\d{4}-/);
    expect(s.ec2.instance(victimId)?.stateReason?.code).toBe("Server.SpotInstanceTermination");
    // Every launch for the re-run was on-demand; the re-run ran on one of them.
    const after = poolInstances(s).filter((i) => i.instanceId !== victimId);
    expect(after.length).toBeGreaterThanOrEqual(1);
    for (const instance of after) expect(instance.market).toBe("on-demand");
    expect(after.map((i) => `mayfly-${i.instanceId}`)).toContain(rerun.runnerName);
    const events = mayfly.events.list().map((e) => e.kind);
    expect(events).toContain("spot.interrupted");
    expect(events).toContain("spot.rerun");
    expect(s.sqs.queue("mayfly-dead-letter.fifo")?.visible).toEqual([]);
  });

  it("of an idle runner: it is removed at once, nothing is lost and nothing re-run", {
    timeout: 60_000,
  }, async () => {
    let first: string | undefined;
    sandbox = await startSandbox({
      bootDelayMs: 100,
      ec2Events: true,
      // The first instance enrols but never takes the job: an idle runner.
      agentBehaviour: (instance) => {
        first ??= instance.instanceId;
        return instance.instanceId === first ? "hang-after-bootstrap" : "normal";
      },
    });
    const s = sandbox;
    mayfly = await startMayfly(s, { env: { MAYFLY_RECHECK_INTERVAL: "10s" } });
    const job = s.github.enqueueJob({ org: "acme", repo: "api", labels: ["mayfly-small"], durationMs: 200 });
    const idle = await waitFor("an idle runner", () =>
      s.github.runners("acme").find((r) => first !== undefined && r.name === `mayfly-${first}` && !r.busy),
    );
    s.ec2.interruptSpot(first ?? "");
    // Well before the two minutes' notice ends, Mayfly has removed the runner and terminated the instance.
    await waitFor(
      "the idle instance to go",
      () => s.ec2.instance(first ?? "")?.state === "terminated",
      10_000,
    );
    expect(s.github.runners("acme").some((r) => r.id === idle.id)).toBe(false);
    const done = await waitFor(
      "the job to complete",
      () => s.github.job(job.id)?.status === "completed" && s.github.job(job.id),
      40_000,
      100,
    );
    expect(done.conclusion).toBe("success");
    expect(s.github.jobs().filter((j) => j.runId === job.runId)).toHaveLength(1);
    expect(mayfly.events.list().some((e) => e.kind === "spot.interrupted" && e.reason === "idle")).toBe(true);
  });
});
