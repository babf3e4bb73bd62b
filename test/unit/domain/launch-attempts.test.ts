import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { launchAttempts } from "../../../src/domain/launch-attempts.js";
import type { Pool } from "../../../src/pool-file.js";
import { makePool } from "./make-pool.js";

const pool = (market: Pool["market"], instanceTypes: string[], subnets: string[]) =>
  makePool({ market, instanceTypes, subnets });
const short = (attempts: ReturnType<typeof launchAttempts>) =>
  attempts.map((a) => `${a.market} ${a.instanceType} ${a.subnetId}`);

describe("launchAttempts", () => {
  it.each([
    {
      market: "on-demand",
      rotation: 0,
      expected: ["on-demand m7i sA", "on-demand m7i sB", "on-demand m6i sA", "on-demand m6i sB"],
    },
    { market: "spot", rotation: 0, expected: ["spot m7i sA", "spot m7i sB", "spot m6i sA", "spot m6i sB"] },
    { market: "spot", rotation: 1, expected: ["spot m7i sB", "spot m7i sA", "spot m6i sB", "spot m6i sA"] },
    { market: "spot", rotation: 2, expected: ["spot m7i sA", "spot m7i sB", "spot m6i sA", "spot m6i sB"] },
    { market: "spot", rotation: -1, expected: ["spot m7i sB", "spot m7i sA", "spot m6i sB", "spot m6i sA"] },
    {
      market: "spot-then-on-demand",
      rotation: 3,
      expected: [
        "spot m7i sB",
        "spot m7i sA",
        "spot m6i sB",
        "spot m6i sA",
        "on-demand m7i sB",
        "on-demand m7i sA",
        "on-demand m6i sB",
        "on-demand m6i sA",
      ],
    },
  ] as const)("$market, rotation $rotation", ({ market, rotation, expected }) => {
    expect(short(launchAttempts(pool(market, ["m7i", "m6i"], ["sA", "sB"]), rotation))).toEqual(expected);
  });

  it("rotates through three subnets in order", () => {
    const p = pool("on-demand", ["t3.medium"], ["s0", "s1", "s2"]);
    expect([0, 1, 2, 3, 4].map((r) => launchAttempts(p, r)[0]?.subnetId)).toEqual([
      "s0",
      "s1",
      "s2",
      "s0",
      "s1",
    ]);
    expect(launchAttempts(p, 2).map((a) => a.subnetId)).toEqual(["s2", "s0", "s1"]);
  });

  it.each([
    [Number.NaN, ["s0", "s1"]],
    [Number.POSITIVE_INFINITY, ["s0", "s1"]],
    [1.7, ["s1", "s0"]],
  ])("a rotation of %s still yields a valid start", (rotation, expected) => {
    const p = pool("on-demand", ["t3.medium"], ["s0", "s1"]);
    expect(launchAttempts(p, rotation).map((a) => a.subnetId)).toEqual(expected);
  });

  it("property: every market × type × subnet exactly once, spot before on-demand, types in pool order", () => {
    const ids = (prefix: string) =>
      fc.uniqueArray(
        fc.nat(99).map((n) => `${prefix}${n}`),
        { minLength: 1, maxLength: 4 },
      );
    fc.assert(
      fc.property(
        fc.constantFrom("spot", "on-demand", "spot-then-on-demand" as const),
        ids("type-"),
        ids("subnet-"),
        fc.integer(),
        (market, types, subnets, rotation) => {
          const attempts = launchAttempts(pool(market, types, subnets), rotation);
          const markets = market === "spot-then-on-demand" ? ["spot", "on-demand"] : [market];
          expect(attempts).toHaveLength(markets.length * types.length * subnets.length);
          expect(new Set(short(attempts)).size).toBe(attempts.length);
          expect(attempts.map((a) => a.market)).toEqual(
            markets.flatMap((m) => Array(types.length * subnets.length).fill(m)),
          );
          expect(attempts.map((a) => a.instanceType)).toEqual(
            markets.flatMap(() => types.flatMap((t) => Array(subnets.length).fill(t))),
          );
          const start = ((rotation % subnets.length) + subnets.length) % subnets.length;
          expect(attempts[0]?.subnetId).toBe(subnets[start]);
        },
      ),
    );
  });
});
