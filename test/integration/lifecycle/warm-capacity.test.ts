import { type EC2Client, ModifyInstanceAttributeCommand, StartInstancesCommand } from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentBehaviour } from "../../../emulators/src/agent/runner-agent.js";
import type { EmulatedInstance } from "../../../emulators/src/ec2/emulator.js";
import { type Sandbox, startSandbox } from "../../../sandbox/sandbox.js";
import { startMayfly } from "../../../sandbox/start-mayfly.js";
import { parseUserData } from "../../../src/bootstrap/user-data.js";
import type { Mayfly } from "../../../src/mayfly.js";
import { identityOf } from "../../helpers/instance-identity.js";
import { waitFor } from "../../helpers/wait-for.js";

/**
 * Warm capacity over the emulators (issue 13, ADR 0014): the real EC2 SDK client and Probot/Octokit
 * against the EC2 and GitHub emulators and simulated runner agents. The periodic sweep is set to an hour
 * so the warm loop runs when the test calls `sweep()`, and each step is deterministic.
 */
const LABELS = ["self-hosted", "linux", "x64", "mayfly-warm"];
const HOUR = 3_600_000;

interface Call {
  command: string;
  input: Record<string, unknown>;
}

function poolsYaml(warm: string): string {
  return `version: 1
pools:
  - name: warm
    labels: [${LABELS.join(", ")}]
    instanceTypes: [m7i.large]
    market: on-demand
    image: ami-0123456789abcdef0
    subnets: [subnet-0a1b2c3d4e5f60001]
    securityGroups: [sg-0a1b2c3d4e5f60001]
    maxRunners: 20
    timeouts: { boot: 30s, idle: 30s, job: 10m }
    allow:
      orgs: [acme]
      repositories: ["acme/*"]
    warm: ${warm}
`;
}

/** A schedule window around the sandbox's current UTC hour, so advancing the clock two hours leaves it. */
function windowAroundNow(now: number): { from: string; to: string } {
  const hour = new Date(now).getUTCHours();
  const pad = (h: number) => `${String(h).padStart(2, "0")}:00`;
  return { from: pad(hour), to: pad(hour + 1) };
}

describe("warm capacity over the emulators", () => {
  let s: Sandbox;
  let m: Mayfly & { url: string };
  let calls: Call[];
  afterEach(async () => {
    await m?.stop();
    await s?.stop();
  });

  async function start(
    warm: string | ((now: number) => string),
    behaviour?: (i: EmulatedInstance) => AgentBehaviour,
  ) {
    const clockless = Date.now();
    s = await startSandbox({
      bootDelayMs: 100,
      ec2: { startDelayMs: 100 },
      agentBehaviour: behaviour,
      poolsYaml: poolsYaml(typeof warm === "string" ? warm : warm(clockless)),
    });
    calls = [];
    const ec2 = s.ec2Client();
    ec2.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push({ command: context.commandName as string, input: args.input as Record<string, unknown> });
        return next(args);
      },
      { step: "initialize", name: "recordCalls" },
    );
    m = await startMayfly(s, { env: { MAYFLY_SWEEP_INTERVAL: "3600s" }, mayfly: { ec2 } });
  }

  const live = () => s.ec2.instances().filter((i) => i.state !== "terminated" && i.state !== "shutting-down");
  const warmOf = (role: "hot" | "stopped") => live().filter((i) => i.tags["mayfly:warm"] === role);
  const idleHot = () =>
    warmOf("hot").filter((i) =>
      s.github
        .runners("acme")
        .some((r) => r.name === `mayfly-${i.instanceId}` && r.status === "online" && !r.busy),
    );
  const stoppedReady = () => warmOf("stopped").filter((i) => i.state === "stopped");
  /** Sweeps until the warm level holds: the warm loop is level-triggered, one pass per sweep. */
  async function fill(hot: number, stopped: number) {
    await waitFor(
      `hot ${hot} idle and ${stopped} stopped`,
      async () => {
        await m.sweep();
        return idleHot().length === hot && stoppedReady().length === stopped && warmOf("hot").length === hot;
      },
      30_000,
      200,
    );
  }
  const coldLaunches = () =>
    calls.filter(
      (c) =>
        c.command === "RunInstancesCommand" &&
        !JSON.stringify(c.input.TagSpecifications ?? []).includes("mayfly:warm"),
    ).length;
  const job = (durationMs = 300) =>
    s.github.enqueueJob({ org: "acme", repo: "api", labels: LABELS, durationMs });
  /** Queued jobs served hot, stopped or cold (miss), from mayfly_warm_claims_total. */
  const claims = async () =>
    Object.fromEntries((await m.metrics.warmClaims.get()).values.map((v) => [v.labels.result, v.value]));
  const refusals = async (reason: string) =>
    (await m.metrics.bootstrapRefusals.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;
  const done = (id: number) =>
    waitFor(`job ${id} completed`, () => s.github.job(id)?.conclusion === "success");

  it("fills to target; a job takes a hot runner (nothing launched), which is destroyed and replaced", {
    timeout: 60_000,
  }, async () => {
    await start("{ hot: 1, stopped: 2 }");
    await fill(1, 2);
    // Stopped instances waited out a warm-up boot that holds no credential, and stop on power-off.
    for (const i of stoppedReady()) {
      expect(parseUserData(i.userData ?? "")).toMatchObject({ MAYFLY_WARM_UP: "1" });
      expect(i.userData).not.toContain("MAYFLY_BOOTSTRAP_TOKEN");
      expect(i.shutdownBehavior).toBe("stop");
      expect(i.tags["mayfly:enrolled"]).toBeUndefined();
    }
    const [hot] = idleHot();
    const launchesBefore = coldLaunches();
    const j = job();
    await done(j.id);
    expect(s.github.job(j.id)?.runnerName).toBe(`mayfly-${hot?.instanceId}`);
    expect(coldLaunches()).toBe(launchesBefore);
    expect(calls.filter((c) => c.command === "StartInstancesCommand")).toEqual([]);
    await waitFor("the hot runner's instance destroyed after its one job", () =>
      ["shutting-down", "terminated"].includes(s.ec2.instance(hot!.instanceId)?.state ?? ""),
    );
    await fill(1, 2);
    expect(idleHot()[0]?.instanceId).not.toBe(hot?.instanceId);
    expect(await claims()).toEqual({ hot: 1 });
  });

  it("a job claims a stopped instance: started with fresh credentials, terminated after its job", {
    timeout: 60_000,
  }, async () => {
    await start("{ hot: 1, stopped: 1 }");
    await fill(1, 1);
    const [hot] = idleHot();
    const [stopped] = stoppedReady();
    const launchesBefore = coldLaunches();
    // Two jobs, and the loop does not refill (no sweep): one goes to the hot runner, the other to the
    // stopped instance. Which is GitHub's choice (the idle runner takes the oldest job), and the scaler
    // may claim the stopped instance for the first job when its runner listing (a cache of seconds)
    // does not show the hot runner idle yet; either way each runs one job and nothing is launched.
    const long = job(3_000);
    await waitFor("first job running", () => s.github.job(long.id)?.status === "in_progress");
    const j = job();
    await done(j.id);
    await done(long.id);
    const claimedId = stopped!.instanceId;
    expect([long, j].map((x) => s.github.job(x.id)?.runnerName).sort()).toEqual(
      [`mayfly-${hot?.instanceId}`, `mayfly-${claimedId}`].sort(),
    );
    expect(coldLaunches()).toBe(launchesBefore);
    const claimed = s.ec2.instance(claimedId)!;
    const userData = parseUserData(claimed.userData ?? "");
    expect(userData.MAYFLY_BOOTSTRAP_TOKEN).toMatch(/\S{20,}/);
    expect(userData.MAYFLY_WARM_UP).toBeUndefined();
    expect(claimed.tags["mayfly:warm"]).toBeUndefined();
    expect([String(long.id), String(j.id)]).toContain(claimed.tags["mayfly:jobs"]);
    await waitFor("the started instance terminated after its job", () =>
      ["shutting-down", "terminated"].includes(s.ec2.instance(claimedId)?.state ?? ""),
    );
    // What the claim called, in order, and on which keys (infra/lib/warm-policy.ts grants exactly these).
    const onClaimed = calls.filter((c) => JSON.stringify(c.input).includes(claimedId));
    const before = onClaimed.map((c) => c.command).filter((c) => c !== "DescribeInstancesCommand");
    expect(before.slice(0, 4)).toEqual([
      "DeleteTagsCommand",
      "ModifyInstanceAttributeCommand",
      "ModifyInstanceAttributeCommand",
      "StartInstancesCommand",
    ]);
    const keys = (c: Call) => ((c.input.Tags ?? []) as { Key: string }[]).map((t) => t.Key);
    const of = (command: string) => onClaimed.filter((c) => c.command === command).map(keys);
    expect(of("DeleteTagsCommand")).toEqual([["mayfly:warm"]]);
    // The claim's job tag and enrolment's record, one key per call.
    expect(of("CreateTagsCommand").sort()).toEqual([["mayfly:enrolled"], ["mayfly:jobs"]]);
    const modified = onClaimed.filter((c) => c.command === "ModifyInstanceAttributeCommand");
    expect(modified.map((c) => Object.keys(c.input).filter((k) => k !== "InstanceId"))).toEqual([
      ["UserData"],
      ["InstanceInitiatedShutdownBehavior"],
    ]);
    expect(await claims()).toMatchObject({ stopped: 1 });
  });

  it("a burst larger than the warm pool falls back to cold and loses or doubles nothing", {
    timeout: 60_000,
  }, async () => {
    await start("{ hot: 1, stopped: 1 }");
    await fill(1, 1);
    const ids = Array.from({ length: 6 }, () => job(1_000).id);
    await waitFor(
      "every burst job completed",
      () => ids.every((id) => s.github.job(id)?.conclusion === "success"),
      40_000,
    );
    const runners = ids.map((id) => s.github.job(id)?.runnerName);
    expect(new Set(runners).size).toBe(ids.length);
    const starts = s.agents.events.filter((e) => e.kind === "job-started");
    for (const id of ids) expect(starts.filter((e) => e.jobId === id)).toHaveLength(1);
    // Warm first, then cold. GitHub gives any queued job to any idle matching runner, so which runner a
    // job lands on is GitHub's choice; what must hold is that no job was launched for twice (its id in
    // the mayfly:jobs tag of one launch, or of one claimed stopped instance, never two), and no stopped
    // instance was started twice.
    expect(await claims()).toMatchObject({ stopped: 1, miss: expect.any(Number) });
    const launchesOf = new Map<number, Set<string>>();
    for (const i of s.ec2.instances())
      for (const id of (i.tags["mayfly:jobs"] ?? "").split(" ").filter(Boolean).map(Number))
        launchesOf.set(id, new Set([...(launchesOf.get(id) ?? []), i.tags["mayfly:launch"] ?? ""]));
    expect([...launchesOf.values()].every((launches) => launches.size === 1)).toBe(true);
    const started = calls
      .filter((c) => c.command === "StartInstancesCommand")
      .flatMap((c) => c.input.InstanceIds as string[]);
    expect(started).toHaveLength(1);
    const perInstance = new Map<string, number>();
    for (const e of starts) perInstance.set(e.instanceId, (perInstance.get(e.instanceId) ?? 0) + 1);
    expect([...perInstance.values()].every((n) => n === 1)).toBe(true);
    // A cold runner whose job another runner took idles (GitHub's assignment, not a double launch):
    // past the idle timeout the reaper removes it, and nothing but warm capacity is left.
    const gone = (i: EmulatedInstance) =>
      i.tags["mayfly:warm"] !== undefined || ["shutting-down", "terminated"].includes(i.state);
    await waitFor("every busy burst runner done", () => s.github.runners("acme").every((r) => !r.busy));
    s.clock.advance(31_000);
    await m.sweep();
    await waitFor("every burst instance gone", () => s.ec2.instances().every(gone));
  });

  it("a schedule change lowers the target and the excess is removed", { timeout: 60_000 }, async () => {
    await start((now) => {
      const { from, to } = windowAroundNow(now);
      return `{ hot: 1, stopped: 1, schedules: [{ days: every-day, from: "${from}", to: "${to}", hot: 2, stopped: 2 }] }`;
    });
    await fill(2, 2);
    s.clock.advance(2 * HOUR);
    await m.sweep();
    const removed = m.events.list({ kinds: ["warm.removed"] });
    expect(
      removed.map((e) => [s.ec2.instance(e.instanceId ?? "")?.tags["mayfly:warm"], e.reason]).sort(),
    ).toEqual([
      ["hot", "warm-excess"],
      ["stopped", "warm-excess"],
    ]);
    await fill(1, 1);
    // The hot runner's GitHub registration went with it.
    await waitFor("one runner left", () => s.github.runners("acme").length === 1);
  });

  it("hot runners past the maximum age are replaced, the new one ready before the old one goes", {
    timeout: 60_000,
  }, async () => {
    await start("{ hot: 1, stopped: 0, maxAge: 10m }");
    await fill(1, 0);
    const [old] = idleHot();
    // Past the maximum age (600 s) but inside the reaper's backstop (maximum age + boot + idle timeout).
    s.clock.advance(615_000);
    await m.sweep();
    // The old one still serves: nothing removed until its replacement is idle.
    expect(m.events.list({ kinds: ["warm.removed"] })).toEqual([]);
    await waitFor("replacement idle and old one removed", async () => {
      await m.sweep();
      return idleHot().length === 1 && idleHot()[0]?.instanceId !== old?.instanceId;
    });
    expect(m.events.list({ kinds: ["warm.removed"] }).map((e) => [e.instanceId, e.reason])).toEqual([
      [old?.instanceId, "warm-max-age"],
    ]);
    await waitFor("old runner unregistered", () =>
      s.github.runners("acme").every((r) => r.name !== `mayfly-${old?.instanceId}`),
    );
  });

  it("security: a stopped instance started with a stale token cannot enrol; a claimed one enrols once", {
    timeout: 60_000,
  }, async () => {
    await start("{ hot: 0, stopped: 2 }");
    await fill(0, 2);
    const j = job(3_000);
    await waitFor("job running", () => s.github.job(j.id)?.status === "in_progress");
    const claimed = s.ec2.instances().find((i) => i.tags["mayfly:jobs"] === String(j.id))!;
    // The job is the attacker: it reads its instance's user data and identity and enrols again.
    const stolen = await identityOf(s, claimed.instanceId);
    expect(stolen.userData.MAYFLY_BOOTSTRAP_TOKEN).toBeTruthy();
    expect(JSON.parse(stolen.identity.document)).toMatchObject({ instanceId: claimed.instanceId });
    const again = await fetch(`${m.url}/bootstrap`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: stolen.userData.MAYFLY_BOOTSTRAP_TOKEN, identity: stolen.identity }),
    });
    expect(again.status).toBe(403);
    await again.body?.cancel();
    expect((await refusals("already-enrolled")) + (await refusals("replayed"))).toBe(1);
    await done(j.id);

    // An attacker with ModifyInstanceAttribute writes the claimed instance's token (same launch) into the
    // other stopped instance and starts it once the token's boot window has passed.
    const other = stoppedReady().find((i) => i.instanceId !== claimed.instanceId)!;
    expect(other.tags["mayfly:launch"]).toBe(claimed.tags["mayfly:launch"]);
    // Past the token's boot window (30 s) and the verifier's clock tolerance.
    s.clock.advance(5 * 60_000);
    const attacker: EC2Client = s.ec2Client();
    await attacker.send(
      new ModifyInstanceAttributeCommand({
        InstanceId: other.instanceId,
        UserData: { Value: new TextEncoder().encode(claimed.userData ?? "") },
      }),
    );
    await attacker.send(new StartInstancesCommand({ InstanceIds: [other.instanceId] }));
    const refused = await waitFor("refused", () =>
      s.agents.events.find((e) => e.kind === "refused" && e.instanceId === other.instanceId),
    );
    expect(refused).toMatchObject({ status: 401 });
    expect(s.github.runners("acme").some((r) => r.name === `mayfly-${other.instanceId}`)).toBe(false);
    expect(s.ec2.instance(other.instanceId)?.tags["mayfly:enrolled"]).toBeUndefined();
    expect(await refusals("token-expired")).toBe(1);
    attacker.destroy();
  });
});
