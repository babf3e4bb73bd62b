import { describe, expect, it } from "vitest";
import { httpUrl, runnerRows } from "../../../src/dashboard/runner-rows.js";
import type { Viewer } from "../../../src/dashboard/viewer.js";
import type { RunnerJob } from "../../../src/events/runner-jobs.js";
import { instance, observation, PREFIX, runner } from "./fixtures.js";

const operator: Viewer = { login: "ops", via: "session", orgs: "all", csrf: "x".repeat(32) };
const NOW = 1_000_000;

function rows(obs: ReturnType<typeof observation>, jobs: RunnerJob[] = [], viewer = operator) {
  const byName = new Map(jobs.map((j) => [j.runnerName, j]));
  return runnerRows({
    observation: obs,
    jobOf: (n) => byName.get(n),
    runnerPrefix: PREFIX,
    viewer,
    now: NOW,
  });
}

describe("runnerRows", () => {
  it.each([
    ["pending → launching", instance("i-1", { state: "pending" }), undefined, "launching"],
    ["running without a runner → booting", instance("i-1"), undefined, "booting"],
    ["running with an idle runner → idle", instance("i-1"), runner("i-1", false), "idle"],
    ["running with a busy runner → busy", instance("i-1"), runner("i-1", true), "busy"],
    [
      "shutting-down → terminating",
      instance("i-1", { state: "shutting-down" }),
      runner("i-1", true),
      "terminating",
    ],
    ["stopping → terminating", instance("i-1", { state: "stopping" }), undefined, "terminating"],
  ] as const)("%s", (_, inst, run, state) => {
    const [row] = rows(observation([inst], run ? [run] : []));
    expect(row?.state).toBe(state);
  });

  it("leaves out terminated instances", () => {
    expect(rows(observation([instance("i-1", { state: "terminated" })]))).toEqual([]);
  });

  it("computes the age in whole seconds from the launch time, never negative", () => {
    const [a, b] = rows(
      observation([
        instance("i-a", { launchedAt: NOW - 90_500 }),
        instance("i-b", { launchedAt: NOW + 5_000 }),
      ]),
    );
    expect([a?.instanceId, a?.ageSeconds]).toEqual(["i-a", 90]);
    expect(b?.ageSeconds).toBe(0);
  });

  it("joins the runner and its job, keeping only http(s) job links", () => {
    const job: RunnerJob = {
      runnerName: `${PREFIX}i-1`,
      jobId: 42,
      org: "acme",
      repo: "acme/api",
      workflowName: "CI",
      jobName: "test",
      htmlUrl: "https://github.com/acme/api/actions/runs/1/job/42",
      startedAt: NOW - 1000,
      queueSeconds: 12,
    };
    const [row] = rows(observation([instance("i-1", { market: "spot" })], [runner("i-1", true, 7)]), [job]);
    expect(row).toMatchObject({
      runnerName: `${PREFIX}i-1`,
      runnerId: 7,
      runnerStatus: "online",
      pool: "linux",
      org: "acme",
      market: "spot",
      instanceType: "m7i.large",
      availabilityZone: "us-east-1a",
      job: {
        id: 42,
        repo: "acme/api",
        workflowName: "CI",
        jobName: "test",
        url: job.htmlUrl,
        queueSeconds: 12,
      },
    });
    const [evil] = rows(observation([instance("i-1")], [runner("i-1", true)]), [
      { ...job, htmlUrl: "javascript:alert(1)" },
    ]);
    expect(evil?.job?.url).toBeUndefined();
  });

  it("sorts by pool, then busy before idle before booting, then oldest first", () => {
    const obs = observation(
      [
        instance("i-4", { pool: "zeta" }),
        instance("i-3", { launchedAt: 20 }),
        instance("i-2", { launchedAt: 10 }),
        instance("i-1", { launchedAt: 30 }),
      ],
      [runner("i-1", true), runner("i-2", false)],
    );
    expect(rows(obs).map((r) => `${r.pool}:${r.instanceId}:${r.state}`)).toEqual([
      "linux:i-1:busy",
      "linux:i-2:idle",
      "linux:i-3:booting",
      "zeta:i-4:booting",
    ]);
  });

  it("shows an org admin only the instances of their orgs", () => {
    const admin: Viewer = { login: "alice", via: "session", orgs: ["ACME"], csrf: "x".repeat(32) };
    const obs = observation([
      instance("i-1"),
      instance("i-2", { org: "globex" }),
      instance("i-3", { org: "" }),
    ]);
    expect(rows(obs, [], admin).map((r) => r.instanceId)).toEqual(["i-1"]);
    expect(rows(obs, [], operator)).toHaveLength(3);
  });
});

describe("httpUrl", () => {
  it.each([
    ["https://github.com/a", "https://github.com/a"],
    ["http://ghe.local/a", "http://ghe.local/a"],
    ["javascript:alert(1)", undefined],
    ["data:text/html,x", undefined],
    ["not a url", undefined],
    [undefined, undefined],
  ])("%s → %s", (input, expected) => {
    expect(httpUrl(input)).toBe(expected);
  });
});
