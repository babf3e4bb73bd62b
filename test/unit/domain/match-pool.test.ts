import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchPool } from "../../../src/domain/match-pool.js";
import type { Pool } from "../../../src/pool-file.js";
import { makePool } from "./make-pool.js";

const small = makePool({ name: "linux-small", labels: ["self-hosted", "linux", "x64", "mayfly-small"] });
const large = makePool({ name: "linux-large", labels: ["self-hosted", "linux", "x64", "mayfly-large"] });
const bare = makePool({ name: "bare", labels: ["linux", "x64"] });
const bareTwin = makePool({ name: "bare-twin", labels: ["X64", "Linux"] });
const arm = makePool({ name: "arm", labels: ["linux", "arm64", "gpu-less"] });

describe("matchPool", () => {
  it.each([
    {
      case: "exact pool label",
      labels: ["self-hosted", "linux", "x64", "mayfly-large"],
      pools: [small, large],
      pool: "linux-large",
      reason: 'labels [self-hosted, linux, x64, mayfly-large] ⊆ pool "linux-large"',
    },
    {
      case: "case-insensitive and trimmed",
      labels: [" Self-Hosted", "LINUX ", "x64", "Mayfly-Small"],
      pools: [small, large],
      pool: "linux-small",
      reason: 'labels [self-hosted, linux, x64, mayfly-small] ⊆ pool "linux-small"',
    },
    {
      case: "self-hosted implied on the pool side",
      labels: ["self-hosted", "linux", "arm64"],
      pools: [arm],
      pool: "arm",
      reason: 'labels [self-hosted, linux, arm64] ⊆ pool "arm"',
    },
    {
      case: "fewest labels wins (self-hosted counted once either way)",
      labels: ["linux", "x64"],
      pools: [small, large, bare],
      pool: "bare",
      reason: 'labels [linux, x64] ⊆ pool "bare" (3 pools matched; fewest labels wins)',
    },
    {
      case: "equal label counts: first in file order",
      labels: ["linux", "x64"],
      pools: [small, large],
      pool: "linux-small",
      reason:
        'labels [linux, x64] ⊆ pool "linux-small" (2 pools matched; fewest labels, then first in file order)',
    },
    {
      case: "file order decides between equal pools, whatever their label order",
      labels: ["x64"],
      pools: [bareTwin, bare],
      pool: "bare-twin",
      reason: 'labels [x64] ⊆ pool "bare-twin" (2 pools matched; fewest labels, then first in file order)',
    },
    {
      case: "repeated job labels count once",
      labels: ["linux", "LINUX", "x64"],
      pools: [bare],
      pool: "bare",
      reason: 'labels [linux, x64] ⊆ pool "bare"',
    },
  ])("$case", ({ labels, pools, pool, reason }) => {
    const match = matchPool(labels, pools);
    expect(match.pool?.name).toBe(pool);
    expect(match.reason).toBe(reason);
  });

  it.each([
    {
      case: "a label no pool has",
      labels: ["self-hosted", "gpu"],
      reason: "no pool has every label of [self-hosted, gpu]",
    },
    {
      case: "labels spread over two pools",
      labels: ["x64", "arm64"],
      reason: "no pool has every label of [x64, arm64]",
    },
    { case: "empty labels (completed check-run events)", labels: [], reason: "job has no labels" },
    { case: "only blank labels", labels: [" ", ""], reason: "job has no labels" },
  ])("no match: $case", ({ labels, reason }) => {
    expect(matchPool(labels, [small, large, bare, arm])).toEqual({ pool: undefined, reason });
  });

  it("no pools, no match", () => {
    expect(matchPool(["linux"], [])).toEqual({
      pool: undefined,
      reason: "no pool has every label of [linux]",
    });
  });

  const label = fc.constantFrom("self-hosted", "linux", "x64", "arm64", "gpu", "large", "Linux", " X64 ");
  const pools = fc.array(
    fc.uniqueArray(label, { minLength: 1, maxLength: 5 }).map((labels) => makePool({ labels })),
    { maxLength: 6 },
  );
  const norm = (l: string) => l.trim().toLowerCase();

  const labelSet = (p: Pool) => new Set([...p.labels.map(norm), "self-hosted"]);
  const holds = (p: Pool, jobLabels: string[]) => jobLabels.every((l) => labelSet(p).has(norm(l)));

  it("property: a match holds every job label; no matching pool has fewer labels, or as few and comes first", () => {
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), pools, (jobLabels, pools) => {
        const { pool } = matchPool(jobLabels, pools);
        if (pool === undefined) {
          expect(pools.some((p) => holds(p, jobLabels))).toBe(false);
          return;
        }
        expect(holds(pool, jobLabels)).toBe(true);
        const at = pools.indexOf(pool);
        pools.forEach((other, i) => {
          if (!holds(other, jobLabels)) return;
          expect(labelSet(other).size).toBeGreaterThanOrEqual(labelSet(pool).size);
          if (i < at) expect(labelSet(other).size).toBeGreaterThan(labelSet(pool).size);
        });
      }),
    );
  });
});
