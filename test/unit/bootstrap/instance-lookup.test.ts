import { describe, expect, it } from "vitest";
import type { ManagedInstance } from "../../../src/aws/fleet.js";
import { createInstanceLookup } from "../../../src/bootstrap/instance-lookup.js";
import type { InstanceState } from "../../../src/domain/instance-state.js";

function fakeFleet(states: Record<string, InstanceState>) {
  const calls: string[] = [];
  const instance = (id: string): ManagedInstance => ({
    instanceId: id,
    state: states[id]!,
    launchedAt: 0,
    instanceType: "t3.small",
    market: "on-demand",
    tags: {},
  });
  const fleet = {
    describe: async (ids: readonly string[]) => {
      calls.push(`describe ${ids.join(",")}`);
      return ids.filter((id) => states[id]).map(instance);
    },
    list: async (options?: { states?: readonly InstanceState[] }) => {
      calls.push(`list ${options?.states?.join(",")}`);
      return Object.keys(states)
        .filter((id) => options?.states?.includes(states[id]!) ?? true)
        .map(instance);
    },
  };
  return { fleet, calls, states };
}

describe("instance lookup", () => {
  it("asks EC2 once, by id, for checks that arrive together", async () => {
    const { fleet, calls } = fakeFleet({ "i-1": "running", "i-2": "pending" });
    const lookup = createInstanceLookup({ fleet, windowMs: 5 });
    const [a, b, c] = await Promise.all([lookup.get("i-1"), lookup.get("i-2"), lookup.get("i-3")]);
    expect([a?.state, b?.state, c]).toEqual(["running", "pending", undefined]);
    expect(calls).toEqual(["describe i-1,i-2,i-3"]);
  });

  it("while checks keep coming, one listing of running instances serves them until it is too old", async () => {
    let clock = 0;
    const states: Record<string, InstanceState> = {};
    for (let i = 0; i < 50; i++) states[`i-${i}`] = "running";
    states["i-new"] = "pending";
    const { fleet, calls } = fakeFleet(states);
    const lookup = createInstanceLookup({
      fleet,
      windowMs: 1,
      busyChecks: 3,
      listingMaxAgeMs: 5_000,
      now: () => clock,
    });
    for (let i = 0; i < 3; i++) await lookup.get(`i-${i}`); // quiet: by id
    for (let i = 3; i < 40; i++) expect((await lookup.get(`i-${i}`))?.state).toBe("running");
    expect(calls.filter((c) => c.startsWith("list"))).toEqual(["list running"]);
    expect(calls.filter((c) => c.startsWith("describe"))).toHaveLength(3);
    // An instance the listing does not show as running is asked by id.
    expect((await lookup.get("i-new"))?.state).toBe("pending");
    expect(calls.at(-1)).toBe("describe i-new");
    // Past its age the listing is taken again.
    clock += 5_001;
    for (let i = 0; i < 5; i++) await lookup.get(`i-${i}`);
    expect(calls.filter((c) => c.startsWith("list"))).toHaveLength(2);
  });

  it("a stopped instance stops passing once the listing is renewed", async () => {
    let clock = 0;
    const { fleet, states } = fakeFleet({ "i-1": "running", "i-2": "running" });
    const lookup = createInstanceLookup({ fleet, windowMs: 1, busyChecks: 0, now: () => clock });
    expect((await lookup.get("i-1"))?.state).toBe("running");
    states["i-1"] = "shutting-down";
    clock += 5_001;
    await lookup.get("i-2");
    expect((await lookup.get("i-1"))?.state).toBe("shutting-down");
  });
});
