import { describe, expect, it } from "vitest";
import type { Fleet, InstanceState, ManagedInstance } from "../../../src/aws/fleet.js";
import { createInstanceLookup } from "../../../src/bootstrap/instance-lookup.js";

function fakeFleet(states: Record<string, InstanceState>) {
  const calls: string[][] = [];
  const fleet = {
    describe: async (ids: readonly string[]) => {
      calls.push([...ids]);
      return ids
        .filter((id) => states[id])
        .map(
          (id): ManagedInstance => ({
            instanceId: id,
            state: states[id]!,
            launchedAt: 0,
            instanceType: "t3.small",
            market: "on-demand",
            tags: {},
          }),
        );
    },
  } as unknown as Fleet;
  return { fleet, calls };
}

describe("instance lookup", () => {
  it("asks EC2 once for checks that arrive together", async () => {
    const { fleet, calls } = fakeFleet({ "i-1": "running", "i-2": "pending" });
    const lookup = createInstanceLookup({ fleet, windowMs: 5 });
    const [a, b, c] = await Promise.all([lookup.get("i-1"), lookup.get("i-2"), lookup.get("i-3")]);
    expect([a?.state, b?.state, c]).toEqual(["running", "pending", undefined]);
    expect(calls).toEqual([["i-1", "i-2", "i-3"]]);
  });

  it.each([
    // state, age of the first answer when asked again, EC2 asked again?
    ["running", 29_000, false],
    ["running", 30_000, true],
    ["pending", 1_000, true],
    ["shutting-down", 1_000, true],
  ] as const)(
    "an instance seen %s, asked again %i ms later: EC2 asked again = %s",
    async (state, later, again) => {
      let clock = 0;
      const { fleet, calls } = fakeFleet({ "i-1": state });
      const lookup = createInstanceLookup({ fleet, windowMs: 1, now: () => clock });
      await lookup.get("i-1");
      clock += later;
      expect((await lookup.get("i-1"))?.state).toBe(state);
      expect(calls.length).toBe(again ? 2 : 1);
    },
  );
});
