import { afterEach, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../../sandbox/sandbox.js";
import { SANDBOX_POOLS_YAML } from "../../../sandbox/sandbox-pools.js";
import { startMayfly } from "../../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../../src/mayfly.js";
import { waitFor } from "../../helpers/wait-for.js";

/**
 * A re-run that is interrupted again is not re-run a second time (issue 14; ADR 0015: only a first
 * attempt is re-run). Runners are not bound to jobs, so Mayfly's re-run can land on a spot runner: here
 * pool `small` keeps one hot (idle, enrolled) spot runner, which takes the re-run before any on-demand
 * launch for it boots. Real SDK clients and Octokit against the emulators; EC2's events arrive over the
 * EventBridge emulation and SQS.
 */
let sandbox: Sandbox | undefined;
let mayfly: Mayfly | undefined;

afterEach(async () => {
  await mayfly?.stop();
  await sandbox?.stop();
  mayfly = undefined;
  sandbox = undefined;
});

const POOLS = SANDBOX_POOLS_YAML.replace(
  '    timeouts: { boot: 30s, idle: 30s, job: 10m }\n    allow:\n      orgs: [acme]\n      repositories: ["acme/*"]',
  '    timeouts: { boot: 30s, idle: 30s, job: 10m }\n    warm: { hot: 1 }\n    allow:\n      orgs: [acme]\n      repositories: ["acme/*"]',
);

it("a second interruption, of the re-run: no third attempt", { timeout: 90_000 }, async () => {
  expect(POOLS).toContain("warm: { hot: 1 }");
  sandbox = await startSandbox({
    bootDelayMs: 100,
    ec2Events: true,
    poolsYaml: POOLS,
    github: { runnerOfflineAfterMs: 500 },
  });
  const s = sandbox;
  mayfly = await startMayfly(s);
  const m = mayfly;
  const idleSpotRunner = (except: readonly string[]) =>
    s.github
      .runners("acme")
      .find(
        (r) =>
          !r.busy &&
          r.status === "online" &&
          !except.includes(r.name) &&
          s.ec2.instance(r.name.replace(/^mayfly-/, ""))?.market === "spot",
      );
  const first = await waitFor("a hot spot runner", () => idleSpotRunner([]), 30_000, 100);

  const job = s.github.enqueueJob({ org: "acme", repo: "api", labels: ["mayfly-small"], durationMs: 20_000 });
  const attempt1 = await waitFor(
    "attempt 1 to start",
    () => s.github.job(job.id)?.status === "in_progress" && s.github.job(job.id),
  );
  expect(attempt1.runnerName).toBe(first.name);
  // The warm loop replaces the hot runner the job took: that one will take the re-run.
  const second = await waitFor("a second hot spot runner", () => idleSpotRunner([first.name]), 30_000, 100);

  s.ec2.interruptSpot(first.name.replace(/^mayfly-/, ""), { noticeMs: 300 });
  const attempt2 = await waitFor(
    "attempt 2 to start",
    () =>
      s.github.jobs().find((j) => j.runId === job.runId && j.runAttempt === 2 && j.status === "in_progress"),
    30_000,
    100,
  );
  expect(s.github.job(job.id)?.conclusion).toMatch(/failure|cancelled/);
  expect(attempt2.runnerName).toBe(second.name);

  const secondInstance = second.name.replace(/^mayfly-/, "");
  s.ec2.interruptSpot(secondInstance, { noticeMs: 300 });
  const verdict = await waitFor(
    "Mayfly's decision on attempt 2",
    () => m.events.list().find((e) => e.kind === "spot.rerun" && e.jobId === attempt2.id),
    30_000,
    100,
  );
  expect(verdict.reason).toBe("already-a-rerun");
  expect(s.github.job(attempt2.id)?.conclusion).toMatch(/failure|cancelled/);
  // The completion has been handled through to the termination, and still only two attempts exist.
  await waitFor("attempt 2's instance to go", () => s.ec2.instance(secondInstance)?.state === "terminated");
  const attempts = s.github.jobs().filter((j) => j.runId === job.runId);
  expect(attempts.map((j) => j.runAttempt).sort()).toEqual([1, 2]);
  expect(attempts.every((j) => j.status === "completed")).toBe(true);

  const reruns = m.events.list().filter((e) => e.kind === "spot.rerun");
  expect(reruns.map((e) => [e.jobId, e.reason])).toEqual([
    [job.id, "rerun"],
    [attempt2.id, "already-a-rerun"],
  ]);
  expect(m.events.list().filter((e) => e.kind === "spot.interrupted" && e.reason === "busy")).toHaveLength(2);
  const metrics = await m.metrics.registry.getSingleMetricAsString("mayfly_spot_reruns_total");
  expect(metrics).toContain('mayfly_spot_reruns_total{pool="small",result="rerun"} 1');
  expect(metrics).toContain('mayfly_spot_reruns_total{pool="small",result="already-a-rerun"} 1');
  expect(s.sqs.queue("mayfly-dead-letter.fifo")?.visible).toEqual([]);
});
