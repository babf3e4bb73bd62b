import { describe, expect, it } from "vitest";
import { decideRecheck } from "../../../src/domain/recheck.js";

describe("decideRecheck", () => {
  it.each([
    { jobStatus: "in_progress", spareRunners: 0, action: "ack", reason: "job is in progress" },
    { jobStatus: "in_progress", spareRunners: 3, action: "ack", reason: "job is in progress" },
    { jobStatus: "completed", spareRunners: 0, action: "ack", reason: "job is completed" },
    { jobStatus: "missing", spareRunners: 0, action: "ack", reason: "job no longer exists on GitHub" },
    {
      jobStatus: "queued",
      spareRunners: 1,
      action: "wait",
      reason: "job queued 95s; 1 spare runner(s) in its pool",
    },
    {
      jobStatus: "queued",
      spareRunners: 0,
      action: "launch",
      reason: "job queued 95s and no booting or idle runner left in its pool",
    },
    {
      jobStatus: "waiting",
      spareRunners: 2,
      action: "wait",
      reason: "job is waiting (not yet runnable) after 95s; 2 spare runner(s) in its pool",
    },
    {
      jobStatus: "waiting",
      spareRunners: 0,
      action: "wait",
      reason: "job is waiting (not yet runnable) after 95s; 0 spare runner(s) in its pool",
    },
    {
      jobStatus: "requested",
      spareRunners: 0,
      action: "wait",
      reason: "job is requested (not yet runnable) after 95s; 0 spare runner(s) in its pool",
    },
    {
      jobStatus: "pending",
      spareRunners: 1,
      action: "wait",
      reason: "job is pending (not yet runnable) after 95s; 1 spare runner(s) in its pool",
    },
  ] as const)(
    "$jobStatus with $spareRunners spare → $action",
    ({ jobStatus, spareRunners, action, reason }) => {
      expect(decideRecheck({ jobStatus, spareRunners, waitedSeconds: 95.4 })).toEqual({ action, reason });
    },
  );

  it("a negative or fractional spare count counts as none", () => {
    expect(decideRecheck({ jobStatus: "queued", spareRunners: -1, waitedSeconds: 10 }).action).toBe("launch");
    expect(decideRecheck({ jobStatus: "queued", spareRunners: 0.5, waitedSeconds: 10 }).action).toBe(
      "launch",
    );
  });
});
