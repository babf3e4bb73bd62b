import type { Pool } from "../pool-file.js";

export type PoolMatch = { pool: Pool; reason: string } | { pool: undefined; reason: string };

/**
 * Every runner carries `self-hosted` (GitHub adds it at registration), so a job asking for it matches a
 * pool that does not list it. Labels compare case-insensitively, as GitHub's do:
 * https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/using-labels-with-self-hosted-runners
 */
const IMPLIED = "self-hosted";

/**
 * The pool a job runs on: one whose labels include every label of the job's `runs-on`. Ties go to the
 * pool with the fewest labels (counting the implied `self-hosted`, so listing it or not changes nothing),
 * then to the first in file order. Deterministic, and the reason names why.
 */
export function matchPool(jobLabels: readonly string[], pools: readonly Pool[]): PoolMatch {
  const wanted = normalise(jobLabels);
  if (wanted.length === 0) {
    // GitHub sends `completed` events with empty labels for check runs attached to a job
    // (actions/actions-runner-controller#2118); they ask for no runner.
    return { pool: undefined, reason: "job has no labels" };
  }
  const shown = `[${wanted.join(", ")}]`;
  const candidates = pools
    .map((pool, index) => ({ pool, index, labels: new Set([...normalise(pool.labels), IMPLIED]) }))
    .filter((c) => wanted.every((label) => c.labels.has(label)));
  const best = candidates.reduce<(typeof candidates)[number] | undefined>(
    (winner, c) => (winner === undefined || c.labels.size < winner.labels.size ? c : winner),
    undefined,
  );
  if (best === undefined) return { pool: undefined, reason: `no pool has every label of ${shown}` };
  return {
    pool: best.pool,
    reason: `labels ${shown} ⊆ pool "${best.pool.name}"${tieNote(candidates, best)}`,
  };
}

function tieNote(candidates: readonly { labels: Set<string> }[], best: { labels: Set<string> }): string {
  if (candidates.length === 1) return "";
  const fewest = candidates.filter((c) => c.labels.size === best.labels.size).length;
  const rule = fewest > 1 ? "fewest labels, then first in file order" : "fewest labels wins";
  return ` (${candidates.length} pools matched; ${rule})`;
}

/** Trimmed, lower-case, without blanks or repeats, in first-seen order. */
function normalise(labels: readonly string[]): string[] {
  return [...new Set(labels.map((l) => l.trim().toLowerCase()).filter((l) => l.length > 0))];
}
