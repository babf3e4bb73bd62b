import { describe, expect, it } from "vitest";
import { FAILURE_WINDOW_MS, poolRows } from "../../../src/dashboard/pool-rows.js";
import { MAX_WAIT_MS, waitingJobs } from "../../../src/dashboard/waiting-jobs.js";
import { makePool } from "../domain/make-pool.js";
import { event, instance, observation, PREFIX, runner } from "./fixtures.js";

const NOW = 100 * 3_600_000;

describe("waitingJobs (approximate)", () => {
  it.each([
    ["a queued job waits", [event("job.queued", NOW, { jobId: 1, pool: "linux" })], { linux: 1 }],
    [
      "a started job no longer waits",
      [event("job.queued", NOW, { jobId: 1, pool: "linux" }), event("job.started", NOW, { jobId: 1 })],
      {},
    ],
    [
      "a completed job no longer waits",
      [event("job.queued", NOW, { jobId: 1, pool: "linux" }), event("job.completed", NOW, { jobId: 1 })],
      {},
    ],
    [
      "counts per pool",
      [
        event("job.queued", NOW, { jobId: 1, pool: "linux" }),
        event("job.queued", NOW, { jobId: 2, pool: "linux" }),
        event("job.queued", NOW, { jobId: 3, pool: "arm" }),
      ],
      { linux: 2, arm: 1 },
    ],
    ["a job denied by policy never waits", [event("policy.denied", NOW, { jobId: 1, pool: "linux" })], {}],
    [
      "a duplicate queued event counts once",
      [
        event("job.queued", NOW, { jobId: 1, pool: "linux" }),
        event("job.queued", NOW, { jobId: 1, pool: "linux" }),
      ],
      { linux: 1 },
    ],
    [
      "a queued job older than GitHub's 24 h limit is gone",
      [event("job.queued", NOW - MAX_WAIT_MS - 1, { jobId: 1, pool: "linux" })],
      {},
    ],
  ])("%s", (_, events, expected) => {
    expect(Object.fromEntries(waitingJobs(events, NOW))).toEqual(expected);
  });
});

describe("poolRows", () => {
  const pools = [makePool({ name: "linux", maxRunners: 4 }), makePool({ name: "arm", maxRunners: 2 })];

  it("counts active runners by state against the max", () => {
    const obs = observation(
      [
        instance("i-1", { state: "pending" }),
        instance("i-2"),
        instance("i-3"),
        instance("i-4"),
        instance("i-5", { state: "shutting-down" }),
        instance("i-6", { pool: "arm" }),
      ],
      [runner("i-3", false), runner("i-4", true)],
    );
    const [linux, arm] = poolRows({ pools, observation: obs, events: [], runnerPrefix: PREFIX, now: NOW });
    expect(linux).toMatchObject({
      name: "linux",
      maxRunners: 4,
      active: 4,
      states: { launching: 1, booting: 1, idle: 1, busy: 1, terminating: 1 },
      waitingJobs: 0,
      launchFailures: 0,
    });
    expect(linux?.lastError).toBeUndefined();
    expect(arm).toMatchObject({ active: 1, states: { booting: 1 } });
  });

  it("reports launch failures of the last hour and the newest error", () => {
    const events = [
      event("launch.failed", NOW - FAILURE_WINDOW_MS - 1, {
        pool: "linux",
        message: "old",
        reason: "CapacityError",
      }),
      event("launch.failed", NOW - 60_000, {
        pool: "linux",
        message: "no capacity",
        reason: "CapacityError",
      }),
      event("launch.failed", NOW - 30_000, {
        pool: "linux",
        message: "bad AMI",
        reason: "LaunchConfigError",
      }),
      event("launch.failed", NOW - 10_000, { pool: "arm", message: "quota", reason: "QuotaError" }),
      event("job.queued", NOW, { pool: "linux", jobId: 9 }),
    ];
    const [linux, arm] = poolRows({
      pools,
      observation: observation([]),
      events,
      runnerPrefix: PREFIX,
      now: NOW,
    });
    expect(linux).toMatchObject({
      launchFailures: 2,
      waitingJobs: 1,
      lastError: { at: NOW - 30_000, message: "bad AMI", reason: "LaunchConfigError" },
    });
    expect(arm).toMatchObject({ launchFailures: 1, lastError: { message: "quota" } });
  });
});
