import { afterEach, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../../sandbox/sandbox.js";
import { SANDBOX_POOLS_YAML } from "../../../sandbox/sandbox-pools.js";
import { startMayfly } from "../../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../../src/mayfly.js";
import { waitFor } from "../../helpers/wait-for.js";

/**
 * The spot circuit breaker on the sandbox clock (issue 14; ADR 0015), with the pool file's own settings:
 * 2 interruptions within 5m open it, the pool launches on on-demand, and 10m after the interruption that
 * opened it the breaker closes by itself. Real SDK clients and Octokit against the emulators; the warnings
 * arrive over the EventBridge emulation and SQS, and the breaker reads them back from EC2's tags.
 */
let sandbox: Sandbox | undefined;
let mayfly: (Mayfly & { url: string }) | undefined;

afterEach(async () => {
  await mayfly?.stop();
  await sandbox?.stop();
  mayfly = undefined;
  sandbox = undefined;
});

const POOLS = SANDBOX_POOLS_YAML.replace(
  '    allow:\n      orgs: [acme]\n      repositories: ["acme/*"]',
  '    spot: { breaker: { interruptions: 2, within: 5m, openFor: 10m } }\n    allow:\n      orgs: [acme]\n      repositories: ["acme/*"]',
);

it("opens after 2 interruptions within 5m, sends launches to on-demand, and closes by itself after 10m", {
  timeout: 90_000,
}, async () => {
  expect(POOLS).toContain("openFor: 10m");
  sandbox = await startSandbox({ bootDelayMs: 100, ec2Events: true, poolsYaml: POOLS });
  const s = sandbox;
  mayfly = await startMayfly(s);
  const m = mayfly;
  const pool = () => s.ec2.instances().filter((i) => i.tags["mayfly:pool"] === "small");
  const runJob = async (what: string) => {
    const job = s.github.enqueueJob({ org: "acme", repo: "api", labels: ["mayfly-small"], durationMs: 200 });
    return waitFor(
      what,
      () => s.github.job(job.id)?.status === "completed" && s.github.job(job.id),
      30_000,
      100,
    );
  };
  const instanceOf = (runnerName: string | null | undefined) =>
    s.ec2.instance((runnerName ?? "").replace(/^mayfly-/, ""));
  const token = (await s.env()).MAYFLY_DASHBOARD_TOKEN;
  const poolRow = async () => {
    const res = await fetch(`${m.url}/api/v1/pools`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { pools: Array<{ name: string; spot?: unknown; fallbacks: unknown }> };
    return body.pools.find((p) => p.name === "small");
  };
  const gauge = async () =>
    (await m.metrics.registry.getSingleMetricAsString("mayfly_spot_breaker_open")).match(
      /mayfly_spot_breaker_open\{pool="small"\} (\d)/,
    )?.[1];

  // Two spot instances, each warned of an interruption while its job runs; the two minutes' notice
  // lets both jobs finish (a busy runner is left to finish), so nothing is re-run.
  const jobs = [1, 2].map(() =>
    s.github.enqueueJob({ org: "acme", repo: "api", labels: ["mayfly-small"], durationMs: 1_500 }),
  );
  await waitFor("both jobs to start", () => jobs.every((j) => s.github.job(j.id)?.status === "in_progress"));
  const warned = jobs.map((j) => instanceOf(s.github.job(j.id)?.runnerName)?.instanceId ?? "");
  for (const id of warned) {
    expect(s.ec2.instance(id)?.market).toBe("spot");
    s.ec2.interruptSpot(id);
  }
  await waitFor("both interruptions marked", () =>
    warned.every((id) => s.ec2.instance(id)?.tags["mayfly:interrupted"]),
  );
  for (const j of jobs)
    await waitFor("the warned jobs to finish", () => s.github.job(j.id)?.conclusion === "success");
  // Past the scaler's inventory cache (5 s on the same clock), still well inside the 5m window.
  s.clock.advance(10_000);

  const before = new Set(pool().map((i) => i.instanceId));
  const open = await runJob("a job while the breaker is open");
  const launchedOpen = pool().filter((i) => !before.has(i.instanceId));
  expect(launchedOpen.length).toBeGreaterThanOrEqual(1);
  for (const i of launchedOpen) expect(i.market).toBe("on-demand");
  expect(instanceOf(open.runnerName)?.market).toBe("on-demand");
  const opened = m.events.list().filter((e) => e.kind === "spot.breaker");
  expect(opened.map((e) => e.reason)).toEqual(["opened"]);
  expect(opened[0]?.message).toMatch(/2 spot interruptions within 5 min: on-demand for 10 min/);
  expect(m.events.list().some((e) => e.kind === "launch.fallback" && e.reason === "breaker")).toBe(true);
  expect(await gauge()).toBe("1");
  expect(await m.metrics.registry.getSingleMetricAsString("mayfly_launch_fallbacks_total")).toMatch(
    /mayfly_launch_fallbacks_total\{pool="small",change="breaker"\} [1-9]/,
  );

  // The dashboard's pool row shows it: open until 10m after the second warning, 2 of 2, a fallback.
  const secondWarning = Math.max(
    ...warned.map((id) => Date.parse(s.ec2.instance(id)?.tags["mayfly:interrupted"] ?? "")),
  );
  expect(await poolRow()).toMatchObject({
    spot: {
      breaker: { state: "open", openedAt: secondWarning, until: secondWarning + 10 * 60_000 },
      interruptions: 2,
      threshold: 2,
      windowSeconds: 300,
      openForSeconds: 600,
    },
    fallbacks: { byReason: { breaker: expect.any(Number) } },
  });

  // 10m after the second warning, on the sandbox clock: closed, and the pool is back on spot.
  s.clock.advance(10 * 60_000);
  const after = new Set(pool().map((i) => i.instanceId));
  const closed = await runJob("a job once the breaker has closed");
  const launchedClosed = pool().filter((i) => !after.has(i.instanceId));
  expect(launchedClosed.length).toBeGreaterThanOrEqual(1);
  for (const i of launchedClosed) expect(i.market).toBe("spot");
  expect(instanceOf(closed.runnerName)?.market).toBe("spot");
  expect(
    m.events
      .list()
      .filter((e) => e.kind === "spot.breaker")
      .map((e) => e.reason),
  ).toEqual(["opened", "closed"]);
  expect(await gauge()).toBe("0");
  expect(await poolRow()).toMatchObject({ spot: { breaker: { state: "closed" }, interruptions: 0 } });
  expect(s.github.jobs().every((j) => j.runAttempt === 1)).toBe(true);
  expect(s.sqs.queue("mayfly-dead-letter.fifo")?.visible).toEqual([]);
});
