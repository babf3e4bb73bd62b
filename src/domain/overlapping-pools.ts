import type { Pool } from "../pool-file.js";

export interface PoolOverlap {
  /** The pool every one of whose labels another pool also has. */
  covered: string;
  by: string;
  message: string;
}

/**
 * Pools whose labels all belong to another pool too (DESIGN.md "Policy follows the runner"): GitHub can
 * hand a job written for `covered` to an idle runner of `by`, where `by`'s policy judges it — or the
 * reverse, when the job asks for only the shared labels. Each pool should have a label no other pool
 * has; the warning names one to add. `self-hosted` is implied on every pool, as GitHub adds it.
 */
export function overlappingPools(pools: readonly Pool[]): PoolOverlap[] {
  const sets = pools.map((p) => ({ name: p.name, labels: new Set([...p.labels.map(norm), "self-hosted"]) }));
  const overlaps: PoolOverlap[] = [];
  for (const a of sets) {
    for (const b of sets) {
      if (a === b || ![...a.labels].every((l) => b.labels.has(l))) continue;
      const unique = `mayfly-${a.name.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`;
      overlaps.push({
        covered: a.name,
        by: b.name,
        message: `every label of pool "${a.name}" [${[...a.labels].join(", ")}] is also on pool "${b.name}", so GitHub may run "${a.name}" jobs on "${b.name}" runners (judged by "${b.name}"'s policy): give "${a.name}" a label no other pool has, e.g. ${unique}`,
      });
    }
  }
  return overlaps;
}

function norm(label: string): string {
  return label.trim().toLowerCase();
}
