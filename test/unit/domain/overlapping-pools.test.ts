import { describe, expect, it } from "vitest";
import { overlappingPools } from "../../../src/domain/overlapping-pools.js";
import { makePool } from "./make-pool.js";

const pool = (name: string, labels: string[]) => makePool({ name, labels });

describe("overlappingPools", () => {
  it.each([
    {
      case: "each pool has a unique label",
      pools: [pool("a", ["linux", "x64", "mayfly-a"]), pool("b", ["linux", "x64", "mayfly-b"])],
      expected: [],
    },
    {
      case: "a catch-all pool under a bigger one",
      pools: [pool("small", ["self-hosted", "linux", "x64"]), pool("large", ["linux", "x64", "large"])],
      expected: [["small", "large"]],
    },
    {
      case: "same labels both ways, case and self-hosted ignored",
      pools: [pool("a", ["Linux"]), pool("b", ["linux", "self-hosted"])],
      expected: [
        ["a", "b"],
        ["b", "a"],
      ],
    },
    {
      case: "three pools, one covered by two",
      pools: [pool("g", ["gpu"]), pool("g1", ["gpu", "a100"]), pool("g2", ["gpu", "h100"])],
      expected: [
        ["g", "g1"],
        ["g", "g2"],
      ],
    },
    { case: "one pool", pools: [pool("only", ["linux"])], expected: [] },
  ])("$case", ({ pools, expected }) => {
    expect(overlappingPools(pools).map((o) => [o.covered, o.by])).toEqual(expected);
  });

  it("names the pools and recommends a unique label", () => {
    const [overlap] = overlappingPools([pool("Small Pool", ["linux"]), pool("large", ["linux", "large"])]);
    expect(overlap?.message).toContain('pool "Small Pool"');
    expect(overlap?.message).toContain("e.g. mayfly-small-pool");
  });
});
