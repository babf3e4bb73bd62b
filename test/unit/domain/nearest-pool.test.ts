import { describe, expect, it } from "vitest";
import { nearestPool } from "../../../src/domain/nearest-pool.js";
import type { Pool } from "../../../src/pool-file.js";

const pool = (name: string, labels: string[]) => ({ name, labels }) as unknown as Pool;
const POOLS = [
  pool("small", ["linux", "x64", "mayfly-small"]),
  pool("large", ["linux", "x64", "mayfly-large"]),
  pool("arm", ["linux", "arm64", "mayfly-oss"]),
];

describe("nearestPool", () => {
  it.each([
    { labels: ["self-hosted", "linux", "x64", "mayfly-smal"], pool: "small", missing: ["mayfly-smal"] },
    { labels: ["self-hosted", "linux", "arm64", "mayfly-small"], pool: "small", missing: ["arm64"] },
    { labels: ["SELF-HOSTED", "Linux", "ARM64", "gpu"], pool: "arm", missing: ["gpu"] },
    { labels: ["self-hosted", "windows"], pool: "small", missing: ["windows"] },
    { labels: ["self-hosted", "linux", "mayfly-oss", "x64"], pool: "small", missing: ["mayfly-oss"] },
  ])("$labels → $pool, missing $missing", ({ labels, pool: name, missing }) => {
    const got = nearestPool(labels, POOLS);
    expect(got?.pool.name).toBe(name);
    expect(got?.missing).toEqual(missing);
  });

  it.each([
    { labels: [], pools: POOLS },
    { labels: ["self-hosted"], pools: [] },
  ])("none for $labels with $pools.length pools", ({ labels, pools }) => {
    expect(nearestPool(labels, pools)).toBeUndefined();
  });
});
