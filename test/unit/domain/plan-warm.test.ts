import { describe, expect, it } from "vitest";
import { planWarm, type WarmInput, type WarmInstance } from "../../../src/domain/plan-warm.js";

const NOW = Date.UTC(2026, 11, 1, 12, 0);
const MIN = 60_000;

function hot(
  id: string,
  runner: WarmInstance["runner"],
  ageMin = 10,
  extra: Partial<WarmInstance> = {},
): WarmInstance {
  return {
    instanceId: id,
    role: "hot",
    state: "running",
    launchedAt: NOW - ageMin * MIN,
    imageId: "ami-1",
    runner,
    ...extra,
  };
}
function stopped(id: string, state: WarmInstance["state"] = "stopped", ageMin = 10): WarmInstance {
  return { instanceId: id, role: "stopped", state, launchedAt: NOW - ageMin * MIN, imageId: "ami-1" };
}
function input(
  instances: WarmInstance[],
  level: { hot: number; stopped: number },
  extra: Partial<WarmInput> = {},
): WarmInput {
  return {
    now: NOW,
    pool: {
      name: "small",
      maxRunners: 10,
      imageId: "ami-1",
      warm: { ...level, schedules: [], maxAgeSeconds: 3_600 },
    },
    instances,
    occupied: instances.filter((i) => i.state !== "stopped").length,
    ...extra,
  };
}
const summary = (plan: ReturnType<typeof planWarm>) =>
  plan.actions.map((a) =>
    a.kind === "launch" ? `launch ${a.role} ${a.count}` : `terminate ${a.instanceId} ${a.reason}`,
  );

describe("planWarm", () => {
  it.each([
    { name: "nothing warm, nothing wanted", instances: [], level: { hot: 0, stopped: 0 }, expected: [] },
    {
      name: "fills an empty hot pool",
      instances: [],
      level: { hot: 3, stopped: 0 },
      expected: ["launch hot 3"],
    },
    {
      name: "counts booting hot instances as coming",
      instances: [hot("i-a", "idle"), hot("i-b", undefined)],
      level: { hot: 3, stopped: 0 },
      expected: ["launch hot 1"],
    },
    {
      name: "a busy hot runner is no longer warm: replaced, never removed",
      instances: [hot("i-a", "busy"), hot("i-b", "idle")],
      level: { hot: 2, stopped: 0 },
      expected: ["launch hot 1"],
    },
    {
      name: "schedule over: the oldest idle ones go, busy ones stay",
      instances: [hot("i-a", "idle", 30), hot("i-b", "idle", 20), hot("i-c", "busy", 40)],
      level: { hot: 1, stopped: 0 },
      expected: ["terminate i-a warm-excess"],
    },
    {
      name: "past the maximum age, a stale one serves until its replacement is ready",
      instances: [hot("i-old", "idle", 90)],
      level: { hot: 1, stopped: 0 },
      expected: ["launch hot 1"],
    },
    {
      name: "its replacement ready, the stale one goes",
      instances: [hot("i-old", "idle", 90), hot("i-new", "idle", 1)],
      level: { hot: 1, stopped: 0 },
      expected: ["terminate i-old warm-max-age"],
    },
    {
      name: "a new image replaces warm instances of the old one",
      instances: [hot("i-a", "idle", 5, { imageId: "ami-0" }), hot("i-b", "idle", 5)],
      level: { hot: 1, stopped: 0 },
      expected: ["terminate i-a warm-image-changed"],
    },
    {
      name: "stopped: warming instances count as coming",
      instances: [stopped("i-a"), stopped("i-b", "running", 1), stopped("i-c", "stopping", 1)],
      level: { hot: 0, stopped: 4 },
      expected: ["launch stopped 1"],
    },
    {
      name: "stopped: excess stopped instances are terminated, oldest first",
      instances: [stopped("i-a", "stopped", 30), stopped("i-b", "stopped", 20)],
      level: { hot: 0, stopped: 1 },
      expected: ["terminate i-a warm-excess"],
    },
    {
      name: "launches never pass maxRunners; hot gets the headroom first",
      instances: [],
      level: { hot: 3, stopped: 3 },
      extra: { occupied: 6 },
      expected: ["launch hot 3", "launch stopped 1"],
    },
    {
      name: "a full pool launches nothing warm",
      instances: [],
      level: { hot: 2, stopped: 2 },
      extra: { occupied: 10 },
      expected: [],
    },
  ])("$name", ({ instances, level, extra, expected }) => {
    expect(summary(planWarm(input(instances, level, extra ?? {})))).toEqual(expected);
  });

  it("reports target, ready and coming for the dashboard", () => {
    const plan = planWarm(
      input([hot("i-a", "idle"), hot("i-b", undefined), stopped("i-c")], { hot: 2, stopped: 1 }),
    );
    expect(plan.target).toEqual({ hot: 2, stopped: 1, reason: "default" });
    expect(plan.ready).toEqual({ hot: 1, stopped: 1 });
    expect(plan.coming).toEqual({ hot: 1, stopped: 0 });
    expect(plan.actions).toEqual([]);
  });

  it("gives each launch a reason naming the rule in force", () => {
    const [action] = planWarm(input([], { hot: 2, stopped: 0 })).actions;
    expect(action).toEqual({
      kind: "launch",
      role: "hot",
      count: 2,
      reason: "hot 0 ready + 0 coming of 2 (default)",
    });
  });
});
