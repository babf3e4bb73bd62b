import { describe, expect, it } from "vitest";
import type { ManagedInstance } from "../../../src/aws/fleet.js";
import { createMemoryFleet } from "../../../src/aws/memory-fleet.js";
import { createTokenIssuer } from "../../../src/bootstrap/token.js";
import { parseUserData } from "../../../src/bootstrap/user-data.js";
import { TAG } from "../../../src/domain/tags.js";
import { RunnerBusyError } from "../../../src/errors.js";
import { EventLog } from "../../../src/events/event-log.js";
import type { GitHubRunner, OrgRef } from "../../../src/github/runners.js";
import { createMetrics } from "../../../src/metrics.js";
import type { Pool } from "../../../src/pool-file.js";
import type { Observation } from "../../../src/reaper/observe.js";
import { createReport } from "../../../src/report/report.js";
import { createStoppedClaimer } from "../../../src/warm/claim-stopped.js";
import { createWarmPass } from "../../../src/warm/warm-pass.js";
import { makePool } from "../domain/make-pool.js";

const NOW = Date.parse("2026-11-25T10:00:00Z");
const ACME: OrgRef = { installationId: 7, org: "acme" };
const PREFIX = "mayfly-";
const pool = makePool({
  name: "warm",
  allow: { orgs: ["acme"] } as never,
  maxRunners: 10,
  warm: { hot: 2, stopped: 1, schedules: [], maxAge: 86_400 },
});
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function setup(options: { busy?: boolean; pools?: Pool[]; installations?: OrgRef[] } = {}) {
  let now = NOW;
  const fleet = createMemoryFleet({ now: () => now, deploymentId: "d1" });
  const events = new EventLog({ now: () => now });
  const metrics = createMetrics();
  const removed: number[] = [];
  const tokens = createTokenIssuer({
    keys: [new Uint8Array(32).fill(1)],
    issuer: "mayfly:d1",
    now: () => now,
  });
  const deps = {
    fleet,
    tokens,
    publicUrl: "https://mayfly.example",
    deploymentId: "d1",
    runners: {
      async remove(_ref: OrgRef, id: number) {
        if (options.busy) throw new RunnerBusyError("busy");
        removed.push(id);
        return "removed" as const;
      },
    },
    installations: { list: async () => options.installations ?? [ACME] },
    pools: options.pools ?? [pool],
    runnerPrefix: PREFIX,
    report: createReport({ events, metrics, log: silent }),
    metrics,
    now: () => now,
  };
  const observe = async (
    runners: GitHubRunner[] = [],
    unreachableOrgs: string[] = [],
  ): Promise<Observation> => ({
    at: now,
    instances: await fleet.list(),
    runners: runners.map((r) => ({ ...r, ref: ACME })),
    unreachableOrgs,
  });
  const idleRunner = (i: ManagedInstance, id: number): GitHubRunner => ({
    id,
    name: PREFIX + i.instanceId,
    status: "online",
    busy: false,
    labels: [],
  });
  return {
    fleet,
    events,
    metrics,
    removed,
    observe,
    idleRunner,
    pass: createWarmPass(deps),
    claim: createStoppedClaimer({ fleet, warm: fleet, tokens, publicUrl: deps.publicUrl, now: () => now }),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const byRole = (instances: ManagedInstance[], role: string) =>
  instances.filter((i) => i.tags[TAG.warm] === role);

describe("warm pass", () => {
  it("launches again when the same observation comes back (its earlier launch is gone): a new ClientToken", async () => {
    const w = setup();
    const empty = await w.observe();
    await w.pass(empty);
    const first = byRole(w.fleet.instances(), "hot").map((i) => i.instanceId);
    expect(first).toHaveLength(2);
    // Both hot instances die before any pass sees them: the next observation is the first one again.
    w.advance(1_000);
    await w.pass(empty);
    const launchFailures = w.events.list({ kinds: ["launch.failed"] });
    expect(launchFailures).toEqual([]);
    expect(byRole(w.fleet.instances(), "hot").filter((i) => !first.includes(i.instanceId))).toHaveLength(2);
  });

  it("gauges target, ready and coming per pool, org and role, and drops an org it no longer sees", async () => {
    const GLOBEX: OrgRef = { installationId: 8, org: "globex" };
    const both = makePool({ ...pool, allow: { orgs: ["acme", "globex"] } as never });
    const w = setup({ pools: [both], installations: [ACME, GLOBEX] });
    const levels = async () =>
      Object.fromEntries(
        (await w.metrics.warmLevel.get()).values.map((v) => [
          `${v.labels.pool}/${v.labels.org}/${v.labels.role}/${v.labels.kind}`,
          v.value,
        ]),
      );
    await w.pass(await w.observe());
    // The first pass saw nothing and launched the target; the next sees it coming, for each org.
    await w.pass(await w.observe());
    const twoOrgs = await levels();
    for (const org of ["acme", "globex"])
      expect(twoOrgs).toMatchObject({
        [`warm/${org}/hot/target`]: 2,
        [`warm/${org}/hot/ready`]: 0,
        [`warm/${org}/hot/coming`]: 2,
        [`warm/${org}/stopped/target`]: 1,
        [`warm/${org}/stopped/coming`]: 1,
      });
    expect(Object.keys(twoOrgs)).toHaveLength(12);
    await w.pass(await w.observe([], ["globex"]));
    const after = await levels();
    expect(Object.keys(after).every((k) => k.startsWith("warm/acme/"))).toBe(true);
    expect(Object.keys(after)).toHaveLength(6);
  });

  it("launches hot runners that enrol and a stopped instance that warms up without a credential", async () => {
    const w = setup();
    const [result] = await w.pass(await w.observe());
    expect(result?.plan.target).toMatchObject({ hot: 2, stopped: 1 });
    const all = w.fleet.instances();
    const hot = byRole(all, "hot");
    const stopped = byRole(all, "stopped");
    expect(hot).toHaveLength(2);
    expect(stopped).toHaveLength(1);
    for (const i of all)
      expect(i.tags).toMatchObject({ [TAG.pool]: "warm", [TAG.org]: "acme", [TAG.managedBy]: "d1" });
    const hotData = parseUserData(w.fleet.userDataOf(hot[0]?.instanceId ?? "") ?? "");
    expect(hotData.MAYFLY_BOOTSTRAP_TOKEN).toMatch(/^ey/);
    expect(Number(hotData.MAYFLY_MAX_LIFETIME_SECONDS)).toBe(300 + 86_400 + 6 * 3600);
    const stoppedId = stopped[0]?.instanceId ?? "";
    const warmUp = w.fleet.userDataOf(stoppedId) ?? "";
    expect(parseUserData(warmUp)).toEqual({ MAYFLY_WARM_UP: "1", MAYFLY_POOL: "warm" });
    expect(w.fleet.shutdownBehaviourOf(stoppedId)).toBe("stop");
    expect(w.fleet.shutdownBehaviourOf(hot[0]?.instanceId ?? "")).toBe("terminate");
    expect(w.fleet.launches.find((l) => l.tags[TAG.warm] === "stopped")?.market).toBe("on-demand");
    // The same observation again launches nothing more: what is coming counts.
    await w.pass(await w.observe());
    expect(w.fleet.instances()).toHaveLength(3);
  });

  it("removes a hot runner beyond the target runner-first, and leaves one that took a job", async () => {
    for (const busy of [false, true]) {
      const w = setup({ busy });
      await w.pass(await w.observe());
      const hot = byRole(w.fleet.instances(), "hot");
      for (const i of hot) w.fleet.setState(i.instanceId, "running");
      const extra = await w.fleet.launch({
        pool,
        instanceType: "m7i.large",
        subnetId: "subnet-0000000a",
        market: "on-demand",
        count: 1,
        clientToken: "extra",
        userData: "",
        tags: { [TAG.pool]: "warm", [TAG.org]: "acme", [TAG.warm]: "hot" },
      });
      w.fleet.setState(extra[0]?.instanceId ?? "", "running");
      w.advance(1_000);
      const runners = [...hot, ...(await w.fleet.describe([extra[0]?.instanceId ?? ""]))].map((i, k) =>
        w.idleRunner(i, 100 + k),
      );
      await w.pass(await w.observe(runners));
      const terminated = w.fleet.instances().filter((i) => i.state === "terminated");
      if (busy) {
        expect(terminated).toEqual([]);
      } else {
        // The oldest ready one goes; its runner is removed before its instance.
        expect(w.removed).toEqual([100]);
        expect(terminated.map((i) => i.instanceId)).toEqual([hot[0]?.instanceId]);
      }
    }
  });
});

describe("claiming a stopped instance", () => {
  it("untags it, writes a fresh token for its own launch, sets terminate-on-shutdown, and starts it", async () => {
    const w = setup();
    await w.pass(await w.observe());
    const [stopped] = byRole(w.fleet.instances(), "stopped");
    const id = stopped?.instanceId ?? "";
    w.fleet.setState(id, "running");
    w.fleet.powerOff(id);
    expect(w.fleet.instances().find((i) => i.instanceId === id)?.state).toBe("stopped");

    w.advance(3 * 3_600_000);
    expect(await w.claim(pool, ACME, 5)).toEqual({ instanceId: id, launch: stopped?.tags[TAG.launch] });
    const after = w.fleet.instances().find((i) => i.instanceId === id);
    expect(after?.state).toBe("pending");
    expect(after?.tags[TAG.warm]).toBeUndefined();
    expect(after?.launchedAt).toBe(NOW + 3 * 3_600_000);
    expect(w.fleet.shutdownBehaviourOf(id)).toBe("terminate");
    const data = parseUserData(w.fleet.userDataOf(id) ?? "");
    const claims = JSON.parse(
      Buffer.from(data.MAYFLY_BOOTSTRAP_TOKEN?.split(".")[1] ?? "", "base64url").toString(),
    );
    expect(claims).toMatchObject({ pool: "warm", org: "acme", launch: stopped?.tags[TAG.launch] });
    expect(claims.iat).toBe((NOW + 3 * 3_600_000) / 1000);
    // Tagged with its job, so every replica counts it as that job's launch.
    expect(after?.tags[TAG.jobs]).toBe("5");
    // Nothing left to claim: the next job goes cold.
    expect(await w.claim(pool, ACME, 1)).toBeUndefined();
  });

  it("skips stale instances (past maxAge) and other orgs' and pools'", async () => {
    const w = setup();
    await w.pass(await w.observe());
    const [stopped] = byRole(w.fleet.instances(), "stopped");
    w.fleet.setState(stopped?.instanceId ?? "", "stopped");
    expect(await w.claim(pool, { installationId: 8, org: "other" }, 1)).toBeUndefined();
    expect(await w.claim(makePool({ name: "else", warm: pool.warm }), ACME, 1)).toBeUndefined();
    w.advance(86_400_000 + 1);
    expect(await w.claim(pool, ACME, 1)).toBeUndefined();
  });

  /** n stopped warm instances of the pool, as a warm pass and their warm-up boots leave them. */
  async function plantStopped(w: ReturnType<typeof setup>, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let k = 0; k < n; k++) {
      const [i] = await w.fleet.launch({
        pool,
        instanceType: "m7i.large",
        subnetId: "subnet-a",
        market: "on-demand",
        count: 1,
        clientToken: `plant-${k}`,
        userData: "warm-up",
        tags: {
          [TAG.managedBy]: "d1",
          [TAG.pool]: "warm",
          [TAG.org]: "acme",
          [TAG.launch]: `l${k}`,
          [TAG.warm]: "stopped",
        },
        shutdownBehaviour: "stop",
      });
      w.fleet.setState(i?.instanceId ?? "", "stopped");
      ids.push(i?.instanceId ?? "");
    }
    return ids;
  }

  // Two replicas (two claimers, no shared memory) race for the same instances. The start is the
  // conditional step: only the StartInstances that saw PreviousState `stopped` owns the instance.
  it.each([
    ["one instance, two jobs: one claim wins, the other job goes cold", 1, [10, 11], 1],
    [
      "two instances, two jobs whose first choice collides: both are served, by different instances",
      2,
      [10, 12],
      2,
    ],
    ["three instances, three replicas all starting at the same one: each gets its own", 3, [3, 6, 9], 3],
  ])("%s", async (_name, stoppedCount, jobs, served) => {
    const w = setup();
    const ids = await plantStopped(w, stoppedCount);
    const claimers = jobs.map(() =>
      createStoppedClaimer({
        fleet: w.fleet,
        warm: w.fleet,
        tokens: { issue: async (c) => `token-${c.launch}` },
        publicUrl: "https://mayfly.example",
        now: () => NOW,
      }),
    );
    const results = await Promise.all(claimers.map((claim, k) => claim(pool, ACME, jobs[k] as number)));
    const won = results.filter((r) => r !== undefined);
    expect(won).toHaveLength(served);
    // No instance is claimed twice, and each claimed instance names exactly one job: its winner's.
    expect(new Set(won.map((r) => r?.instanceId)).size).toBe(won.length);
    for (const r of won) {
      const instance = w.fleet.instances().find((i) => i.instanceId === r?.instanceId);
      expect(instance?.state).toBe("pending");
      expect(instance?.tags[TAG.jobs]?.split(" ")).toHaveLength(1);
    }
    const jobTagsSeen = w.fleet.instances().flatMap((i) => i.tags[TAG.jobs]?.split(" ") ?? []);
    expect(jobTagsSeen).toHaveLength(served);
    expect(ids.length).toBe(stoppedCount);
  });
});
