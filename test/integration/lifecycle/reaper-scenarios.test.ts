import { RunInstancesCommand } from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentBehaviour } from "../../../emulators/src/agent/runner-agent.js";
import type { EmulatedInstance } from "../../../emulators/src/ec2/emulator.js";
import { type Sandbox, startSandbox } from "../../../sandbox/sandbox.js";
import { startMayfly } from "../../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../../src/mayfly.js";
import { waitFor } from "../../helpers/wait-for.js";

const SMALL = ["self-hosted", "linux", "x64", "mayfly-small"];
const PAST_BOOT = 31_000;

/** After every scenario: nothing of Mayfly's is left, every job completed or was denied. */
async function expectNothingLeft(sandbox: Sandbox) {
  await waitFor(
    "no live instance and no runner",
    () =>
      sandbox.ec2.instances().every((i) => i.state === "terminated" || i.state === "shutting-down") &&
      sandbox.github.runners("acme").length === 0,
    20_000,
  );
  expect(sandbox.github.jobs().filter((j) => j.status !== "completed")).toEqual([]);
}

describe("reaper scenarios", () => {
  let sandbox: Sandbox | undefined;
  let mayfly: Mayfly | undefined;
  afterEach(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
    mayfly = sandbox = undefined;
  });
  async function start(behaviour?: (i: EmulatedInstance) => AgentBehaviour, bootDelayMs = 100) {
    sandbox = await startSandbox({
      bootDelayMs,
      agentBehaviour: behaviour,
      github: { runnerOfflineAfterMs: 2_000 },
    });
    mayfly = await startMayfly(sandbox);
    return { s: sandbox, m: mayfly };
  }

  it("a normal job: the time from completed to terminate is recorded", async () => {
    const { s, m } = await start();
    const job = s.github.enqueueJob({ org: "acme", repo: "api", labels: SMALL, durationMs: 200 });
    await waitFor("completed", () => s.github.job(job.id)?.conclusion === "success");
    await waitFor("revoked", () =>
      m.events.list({ kinds: ["reap.terminated"] }).some((e) => e.jobId === job.id),
    );
    const revoke = (await m.metrics.timeToRevoke.get()).values.find(
      (v) => v.metricName === "mayfly_time_to_revoke_seconds_count",
    );
    expect(revoke?.value).toBe(1);
    await expectNothingLeft(s);
  });

  it("a job cancelled before its runner came online: the idle runner is removed, its instance terminated", async () => {
    const { s, m } = await start(undefined, 1_000);
    const job = s.github.enqueueJob({ org: "acme", repo: "api", labels: SMALL, durationMs: 200 });
    await waitFor("launched", () => s.ec2.instances().length === 1);
    s.github.cancelJob(job.id);
    await waitFor("idle runner registered", () =>
      s.github.runners("acme").some((r) => r.status === "online" && !r.busy),
    );
    await m.sweep();
    s.clock.advance(PAST_BOOT);
    await m.sweep();
    const reap = m.events.list({ kinds: ["reap.terminated"] }).at(-1);
    expect(reap).toMatchObject({ reason: "idle-timeout" });
    expect(s.github.job(job.id)).toMatchObject({
      status: "completed",
      conclusion: "cancelled",
      runnerName: null,
    });
    await expectNothingLeft(s);
  });

  it("the runner launched for job A takes job B: both complete, B's runner is relaunched, no busy runner killed", {
    timeout: 60_000,
  }, async () => {
    let first = true;
    const { s, m } = await start(() => {
      const behaviour = first ? "never-bootstrap" : "normal";
      first = false;
      return behaviour;
    });
    const a = s.github.enqueueJob({ org: "acme", repo: "api", labels: SMALL, durationMs: 300 });
    await waitFor("A's instance", () => s.ec2.instances().length === 1);
    const b = s.github.enqueueJob({ org: "acme", repo: "web", labels: SMALL, durationMs: 300 });
    // B's runner comes online first and GitHub gives it the oldest job: A.
    await waitFor("A ran on B's runner", () => s.github.job(a.id)?.conclusion === "success");
    expect(s.github.job(b.id)?.status).toBe("queued");
    // A's instance never enrols: past the boot timeout the sweep removes it, and B's recheck relaunches.
    s.clock.advance(PAST_BOOT);
    await m.sweep();
    expect(m.events.list({ kinds: ["reap.terminated"] }).map((e) => e.reason)).toContain("boot-timeout");
    await waitFor("B ran", () => s.github.job(b.id)?.conclusion === "success", 40_000);
    expect(s.github.jobs().map((j) => j.conclusion)).toEqual(["success", "success"]);
    await expectNothingLeft(s);
  });

  it("an instance that never bootstraps is terminated after the boot timeout", async () => {
    const { s, m } = await start(() => "never-bootstrap");
    const job = s.github.enqueueJob({ org: "acme", repo: "api", labels: SMALL, durationMs: 200 });
    await waitFor("running", () => s.ec2.instances().some((i) => i.state === "running"));
    s.github.cancelJob(job.id);
    await m.sweep();
    expect(s.ec2.instances()[0]?.state).toBe("running");
    s.clock.advance(PAST_BOOT);
    await m.sweep();
    expect(m.events.list({ kinds: ["reap.terminated"] }).at(-1)).toMatchObject({ reason: "boot-timeout" });
    await expectNothingLeft(s);
  });

  it("an orphan runner (no instance) and an orphan instance (no runner) go in the next sweep", async () => {
    const { s, m } = await start((i) => (i.tags.orphan ? "never-bootstrap" : "normal"));
    const octokit = await m.probot.auth(s.installationId);
    await octokit.request("POST /orgs/{org}/actions/runners/generate-jitconfig", {
      org: "acme",
      name: "mayfly-i-0123456789abcdef0",
      runner_group_id: 1,
      labels: SMALL,
    });
    const orphanTags = [
      { Key: "mayfly:managed-by", Value: "mayfly" },
      { Key: "mayfly:pool", Value: "small" },
      { Key: "mayfly:org", Value: "acme" },
      { Key: "orphan", Value: "yes" },
    ];
    await s.ec2Client().send(
      new RunInstancesCommand({
        ImageId: "ami-0123456789abcdef0",
        InstanceType: "t3.medium",
        MinCount: 1,
        MaxCount: 1,
        TagSpecifications: [{ ResourceType: "instance", Tags: orphanTags }],
      }),
    );
    await waitFor("orphan running", () => s.ec2.instances().some((i) => i.state === "running"));
    s.clock.advance(PAST_BOOT);
    await m.sweep();
    const reasons = m.events
      .list({ kinds: ["reap.terminated", "reap.runner-removed"] })
      .map((e) => e.reason)
      .sort();
    expect(reasons).toEqual(["boot-timeout", "runner-without-instance"]);
    await expectNothingLeft(s);
  });

  it("a dropped completed webhook on a machine that failed to power off: redelivery reaps it", async () => {
    const { s, m } = await start(() => "stuck-after-job");
    s.github.dropWebhooks({ action: "completed", count: 1 });
    const job = s.github.enqueueJob({ org: "acme", repo: "api", labels: SMALL, durationMs: 200 });
    await waitFor("completed", () => s.github.job(job.id)?.conclusion === "success");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(s.ec2.instances()[0]?.state).toBe("running");
    expect(await m.redeliver()).toBe(1);
    await waitFor("reaped after redelivery", () =>
      m.events.list({ kinds: ["reap.terminated"] }).some((e) => e.jobId === job.id),
    );
    await expectNothingLeft(s);
  });

  it("a dropped completed webhook: without redelivery the sweep still terminates the machine", async () => {
    const { s, m } = await start(() => "stuck-after-job");
    s.github.dropWebhooks({ action: "completed", count: 1 });
    const job = s.github.enqueueJob({ org: "acme", repo: "api", labels: SMALL, durationMs: 200 });
    await waitFor("completed", () => s.github.job(job.id)?.conclusion === "success");
    await m.sweep();
    expect(s.ec2.instances()[0]?.state).toBe("running");
    s.clock.advance(PAST_BOOT);
    await m.sweep();
    expect(m.events.list({ kinds: ["reap.terminated"] }).at(-1)).toMatchObject({
      reason: "instance-without-runner",
    });
    await expectNothingLeft(s);
  });
});
