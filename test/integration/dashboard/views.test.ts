import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DashboardData } from "../../../src/dashboard/dashboard-data.js";
import { makePool } from "../../unit/domain/make-pool.js";
import { createHarness, type Harness, json, PREFIX, sessionCookie, TOKEN, testConfig } from "./harness.js";

type Body<K extends keyof DashboardData> = Awaited<ReturnType<DashboardData[K]>>;

/** What the JSON API shows: runners, pools, events, summary and costs, scoped to the viewer's orgs. */

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.close());

const bearer = { authorization: `Bearer ${TOKEN}` };
/** GET /api/v1/<view><query>, typed by the view's own return type. */
async function get<K extends keyof DashboardData>(
  view: K,
  query = "",
  headers: Record<string, string> = bearer,
) {
  const res = await h.app.request(`/api/v1/${view}${query}`, { headers });
  expect(res.status).toBe(200);
  return json<Body<K>>(res);
}

/** acme: one busy runner with a known job, one idle, one booting; globex: one idle spot runner on arm. */
async function world() {
  const busy = await h.launch("acme");
  const idle = await h.launch("acme");
  const booting = await h.launch("acme");
  const foreign = await h.launch("globex", { pool: "arm", market: "spot" });
  for (const id of [busy, idle, booting, foreign]) h.fleet.setState(id, "running");
  h.runners.add("acme", busy, true);
  h.runners.add("acme", idle, false);
  h.runners.add("globex", foreign, false);
  h.runnerJobs.record({
    runnerName: `${PREFIX}${busy}`,
    jobId: 77,
    org: "acme",
    repo: "acme/api",
    workflowName: "CI",
    jobName: "unit <tests>",
    htmlUrl: "https://github.com/acme/api/actions/runs/1/job/77",
    startedAt: Date.now() - 5000,
    queueSeconds: 14,
  });
  h.events.record({
    kind: "job.started",
    message: "started",
    runnerName: `${PREFIX}${busy}`,
    repo: "acme/api",
    jobId: 77,
    org: "acme",
  });
  return { busy, idle, booting, foreign };
}

describe("GET /api/v1/runners", () => {
  it("lists every active runner with state, machine, job and queue time", async () => {
    const ids = await world();
    const body = await get("runners");
    expect(body).toMatchObject({ stale: false, unreachableOrgs: [] });
    expect(typeof body.observedAt).toBe("number");
    const byId = Object.fromEntries(body.runners.map((r) => [r.instanceId, r]));
    expect(byId[ids.busy]).toMatchObject({
      state: "busy",
      pool: "linux",
      org: "acme",
      instanceType: "m7i.large",
      market: "on-demand",
      runnerName: `${PREFIX}${ids.busy}`,
      job: { id: 77, repo: "acme/api", workflowName: "CI", jobName: "unit <tests>", queueSeconds: 14 },
    });
    expect(byId[ids.idle]).toMatchObject({ state: "idle" });
    expect(byId[ids.booting]).toMatchObject({ state: "booting" });
    expect(byId[ids.booting]?.job).toBeUndefined();
    expect(byId[ids.foreign]).toMatchObject({ state: "idle", pool: "arm", market: "spot", org: "globex" });
  });

  it("shows an org admin only their orgs' runners", async () => {
    const ids = await world();
    const cookie = await sessionCookie("alice", ["acme"]);
    const body = await get("runners", "", { cookie });
    expect(body.runners.map((r) => r.instanceId).sort()).toEqual([ids.busy, ids.idle, ids.booting].sort());
  });

  it("names orgs whose runners GitHub did not list (and hides their instances), to those orgs' viewers", async () => {
    const ids = await world();
    h.runners.failingOrgs.add("globex");
    const body = await get("runners");
    expect(body.unreachableOrgs).toEqual(["globex"]);
    expect(body.runners.map((r) => r.instanceId)).not.toContain(ids.foreign);
    h.advance(5_000);
    const alice = await get("runners", "", { cookie: await sessionCookie("alice", ["acme"]) });
    expect(alice.unreachableOrgs).toEqual([]);
  });

  it("shares one observation between requests", async () => {
    await world();
    await Promise.all([get("runners"), get("pools"), get("runners")]);
    await get("pools");
    expect(h.observeCalls()).toBe(1);
    h.advance(5_000);
    await get("runners");
    expect(h.observeCalls()).toBe(2);
  });

  it("answers 503 while nothing could ever be observed", async () => {
    h.fleet.failNext("list", new Error("EC2 down"));
    const res = await h.app.request("/api/v1/runners", { headers: bearer });
    expect(res.status).toBe(503);
    expect(await json(res)).toEqual({ error: "cannot observe runners right now; retrying" });
  });
});

describe("GET /api/v1/pools", () => {
  it("shows active / max, states, waiting jobs and launch failures per pool", async () => {
    await world();
    h.events.record({ kind: "job.queued", message: "q", pool: "linux", jobId: 501 });
    h.events.record({ kind: "job.queued", message: "q", pool: "linux", jobId: 502 });
    h.events.record({ kind: "job.started", message: "s", jobId: 502 });
    h.events.record({
      kind: "launch.failed",
      message: "2 launch(es) failed: no capacity",
      pool: "arm",
      reason: "CapacityError",
    });
    const body = await get("pools");
    expect(body.waitingIsApproximate).toBe(true);
    expect(body.pools).toEqual([
      expect.objectContaining({
        name: "linux",
        active: 3,
        maxRunners: 4,
        waitingJobs: 1,
        launchFailures: 0,
        states: { launching: 0, booting: 1, idle: 1, busy: 1, terminating: 0 },
      }),
      expect.objectContaining({
        name: "arm",
        active: 1,
        maxRunners: 2,
        launchFailures: 1,
        lastError: expect.objectContaining({
          message: "2 launch(es) failed: no capacity",
          reason: "CapacityError",
        }),
      }),
    ]);
  });
});

describe("GET /api/v1/events", () => {
  it("pages with after= and hides other orgs' events from an org admin", async () => {
    const a = h.events.record({
      kind: "policy.denied",
      message: "public repo refused",
      reason: "public-repo",
      org: "acme",
      repo: "acme/site",
    });
    h.events.record({ kind: "policy.denied", message: "not allowed", org: "globex" });
    const c = h.events.record({ kind: "reap.terminated", message: "idle too long", reason: "idle-timeout" });
    const all = await get("events");
    expect(all.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(all.lastSeq).toBe(3);
    expect((await get("events", `?after=${a.seq}`)).events.map((e) => e.seq)).toEqual([2, 3]);
    expect((await get("events", "?limit=1")).events.map((e) => e.seq)).toEqual([c.seq]);
    const alice = await get("events", "", { cookie: await sessionCookie("alice", ["acme"]) });
    expect(alice.events.map((e) => e.message)).toEqual(["public repo refused", "idle too long"]);
    expect(alice.lastSeq).toBe(3);
    // lastSeq is the log's newest, even past the client's: a smaller one tells it the log started over.
    expect(await get("events", "?after=10")).toEqual({ events: [], lastSeq: 3 });
  });
});

describe("GET /api/v1/summary", () => {
  it("holds runner counts by state over time and queue time percentiles", async () => {
    await world();
    await h.dashboard.sample();
    const body = await get("summary");
    expect(body.sampleIntervalSeconds).toBe(10);
    expect(body.samples).toHaveLength(1);
    expect(body.samples[0]).toMatchObject({
      launching: 0,
      booting: 1,
      idle: 2,
      busy: 1,
      terminating: 0,
      queueP50: 14,
      queueP90: 14,
    });
    expect(body.queue).toEqual({ windowSeconds: 3600, jobs: 1, p50: 14, p90: 14 });
  });
});

describe("GET /api/v1/costs", () => {
  it("estimates per pool and per repository from the price table, saying it is an estimate", async () => {
    await world();
    await h.dashboard.sample();
    h.advance(30 * 60_000);
    await h.dashboard.sample();
    const body = await get("costs");
    expect(body).toMatchObject({ estimate: true, currency: "USD", unpricedTypes: [] });
    expect(body.note).toMatch(/^Estimate/);
    expect(body.pools.map((l) => [l.key, l.instances]).sort()).toEqual([
      ["arm", 1],
      ["linux", 3],
    ]);
    expect(body.repos.map((l) => [l.key, l.instances]).sort()).toEqual([
      ["(no job)", 3],
      ["acme/api", 1],
    ]);
    // Half an hour each: 3 × 0.1 $/h on-demand (linux), 1 × 0.07 $/h (arm has no spot price: on-demand).
    expect(body.pools.find((l) => l.key === "linux")).toMatchObject({
      instanceHours: 1.5,
      cost: 0.15,
    });
    expect(body.pools.find((l) => l.key === "arm")).toMatchObject({
      instanceHours: 0.5,
      cost: 0.035,
    });
    expect(body.total).toBe(0.185);
    const alice = await get("costs", "", { cookie: await sessionCookie("alice", ["acme"]) });
    expect(alice.pools.map((l) => l.key)).toEqual(["linux"]);
  });
});

describe("GET /api/v1/pools with warm capacity", () => {
  it("shows a warm pool's target and actual (ready + coming) and its hits and misses", async () => {
    h.close();
    const warmPool = makePool({
      name: "linux",
      maxRunners: 6,
      allow: { orgs: ["acme"], repositories: ["*/*"], visibilities: ["private"], allowForks: false },
      warm: { hot: 2, stopped: 2, schedules: [], maxAge: 86_400 },
    });
    h = createHarness({ config: testConfig({ pools: [warmPool] }) });
    let launches = 0;
    const launchWarm = async (role: "hot" | "stopped") => {
      const [i] = await h.fleet.launch({
        pool: warmPool,
        instanceType: "m7i.large",
        subnetId: "subnet-0000000a",
        market: "on-demand",
        count: 1,
        clientToken: `warm-${role}-${++launches}`,
        userData: "",
        tags: { "mayfly:pool": "linux", "mayfly:org": "acme", "mayfly:warm": role },
      });
      h.fleet.setState(i!.instanceId, "running");
      return i!.instanceId;
    };
    const idleHot = await launchWarm("hot");
    await launchWarm("hot"); // booting: coming
    h.runners.add("acme", idleHot, false);
    h.fleet.setState(await launchWarm("stopped"), "stopped");
    h.metrics.warmClaims.inc({ pool: "linux", result: "hot" }, 2);
    h.metrics.warmClaims.inc({ pool: "linux", result: "miss" });

    const [row] = (await get("pools")).pools;
    expect(row?.warm).toEqual({
      target: { hot: 2, stopped: 2, reason: "default" },
      ready: { hot: 1, stopped: 1 },
      coming: { hot: 1, stopped: 0 },
      orgs: 1,
      claims: { hot: 2, stopped: 0, miss: 1 },
    });
    // Stopped instances do not count toward maxRunners; the idle and the booting hot ones do.
    expect(row?.active).toBe(2);
  });

  it("gives a pool without `warm` no warm row", async () => {
    const body = await get("pools");
    expect(body.pools.every((p) => p.warm === undefined)).toBe(true);
  });
});

describe("GET /api/v1/pools for a spot pool", () => {
  const spotPool = makePool({
    name: "linux",
    market: "spot-then-on-demand",
    spot: { breaker: { interruptions: 2, within: 600, openFor: 1200 } },
  });
  async function warned(at: number) {
    const [i] = await h.fleet.launch({
      pool: spotPool,
      instanceType: "m7i.large",
      subnetId: "subnet-0000000a",
      market: "spot",
      count: 1,
      clientToken: `warned-${at}`,
      userData: "",
      tags: {
        "mayfly:pool": "linux",
        "mayfly:org": "acme",
        "mayfly:interrupted": new Date(at).toISOString(),
      },
    });
    h.fleet.setState(i!.instanceId, "terminated");
  }

  it("shows the breaker open until when, the interruptions in its window, and fallbacks by reason", async () => {
    h.close();
    h = createHarness({ config: testConfig({ pools: [spotPool, makePool({ name: "arm" })] }) });
    const now = Date.now();
    const second = Math.floor((now - 60_000) / 1000) * 1000;
    await warned(second - 120_000);
    await warned(second);
    h.events.record({
      kind: "launch.fallback",
      message: "to on-demand: breaker",
      pool: "linux",
      reason: "breaker",
    });
    h.events.record({ kind: "launch.fallback", message: "to m6i.large", pool: "linux", reason: "type" });
    h.events.record({ kind: "launch.fallback", message: "elsewhere", pool: "arm", reason: "subnet" });
    const [linux, arm] = (await get("pools")).pools;
    expect(linux?.spot).toEqual({
      breaker: { state: "open", openedAt: second, until: second + 1_200_000 },
      interruptions: 2,
      threshold: 2,
      windowSeconds: 600,
      openForSeconds: 1200,
      reason: "2 spot interruptions within 10 min: on-demand for 20 min",
    });
    expect(linux?.fallbacks).toEqual({
      total: 2,
      byReason: { breaker: 1, type: 1 },
      last: { at: expect.any(Number), message: "to m6i.large" },
    });
    // An on-demand pool has no breaker, but its fallbacks are counted all the same.
    expect(arm?.spot).toBeUndefined();
    expect(arm?.fallbacks.total).toBe(1);
  });

  it("shows it closed by itself once openFor has passed, and counts only the window's interruptions", async () => {
    h.close();
    h = createHarness({ config: testConfig({ pools: [spotPool] }) });
    const now = Date.now();
    await warned(now - 120_000);
    await warned(now - 60_000);
    expect((await get("pools")).pools[0]?.spot?.breaker.state).toBe("open");
    // 21 min after the second warning, a minute past openFor (the harness's clock starts when it was
    // created, a little before `now`, so 20 min exactly sat on the boundary and failed under load):
    // closed, and past the 10 min window.
    h.advance(20 * 60_000);
    const [row] = (await get("pools")).pools;
    expect(row?.spot).toMatchObject({ breaker: { state: "closed" }, interruptions: 0, threshold: 2 });
    expect(row?.fallbacks).toEqual({ total: 0, byReason: {} });
  });
});
