import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  judgeRunnerJob,
  type RunnerOrigin,
  runnerNeedsForkCheck,
} from "../../../src/domain/judge-runner-job.js";
import type { Pool } from "../../../src/pool-file.js";
import "../../helpers/fast-check-seed.js";
import { makePool } from "./make-pool.js";

/**
 * Policy follows the runner (ADR 0008), attacked by random worlds: random pools and allow blocks, a
 * random job (labels, org, repository, visibility, fork) and a runner GitHub could have handed it (any
 * pool whose runner labels — the pool's plus GitHub's built-in self-hosted, linux, x64 — cover the
 * job's, or an instance with an unknown pool, or none). The oracle below is written independently of
 * src/domain (segment-wise glob, no regex): whenever it says the runner's pool does not admit the job,
 * or no pool's labels cover the job, the verdict must not be "allowed". False-allow rate: 0.
 * `MAYFLY_POLICY_RUNS=1000000 npx vitest run test/unit/domain/judge-runner-job.property.test.ts` runs more.
 */
const RUNS = Number(process.env.MAYFLY_POLICY_RUNS ?? 100_000);
const BUILT_IN = ["self-hosted", "linux", "x64"];
const LABELS = [
  "self-hosted",
  "linux",
  "x64",
  "Linux",
  "gpu",
  "large",
  "small",
  "arm64",
  "mayfly-a",
  "mayfly-b",
];
const ORGS = ["acme", "ACME", "evil", "acme-evil"];
const NAMES = ["api", "web", "infra", "x", "api-2"];
const VISIBILITIES = ["public", "private", "internal"] as const;

const pattern = fc
  .tuple(fc.constantFrom(...ORGS, "*", "ac*"), fc.constantFrom(...NAMES, "*", "a*", "*i"))
  .map(([o, n]) => `${o}/${n}`);
const allow = fc.option(
  fc.record({
    orgs: fc.uniqueArray(fc.constantFrom(...ORGS), { minLength: 1, maxLength: 3 }),
    repositories: fc.uniqueArray(pattern, { minLength: 1, maxLength: 3 }),
    visibilities: fc.uniqueArray(fc.constantFrom(...VISIBILITIES), { minLength: 1, maxLength: 3 }),
    allowForks: fc.boolean(),
  }),
  { nil: undefined },
);
const pools = fc
  .array(
    fc.record({ labels: fc.uniqueArray(fc.constantFrom(...LABELS), { minLength: 1, maxLength: 4 }), allow }),
    {
      minLength: 1,
      maxLength: 4,
    },
  )
  .map((ps) => ps.map((p, k) => makePool({ name: `p${k}`, labels: p.labels, allow: p.allow })));
const world = fc.record({
  pools,
  jobLabels: fc.uniqueArray(fc.constantFrom(...LABELS), { minLength: 1, maxLength: 4 }),
  org: fc.constantFrom(...ORGS),
  name: fc.constantFrom(...NAMES),
  visibility: fc.constantFrom(...VISIBILITIES),
  fork: fc.boolean(),
  runnerPick: fc.nat(),
  runnerKind: fc.constantFrom("pool", "pool", "pool", "unknown-pool", "no-instance"),
});

const lower = (labels: readonly string[]) => new Set(labels.map((l) => l.toLowerCase()));
const covers = (runnerLabels: readonly string[], job: readonly string[]) => {
  const have = lower(runnerLabels);
  return [...lower(job)].every((l) => have.has(l));
};
/** `*` matches any run of characters within one segment; compared case-insensitively. */
function glob(p: string, s: string): boolean {
  const [head, ...rest] = p.toLowerCase().split("*");
  let text = s.toLowerCase();
  if (!text.startsWith(head ?? "")) return false;
  text = text.slice((head ?? "").length);
  for (const [k, part] of rest.entries()) {
    const at = k === rest.length - 1 ? text.length - part.length : text.indexOf(part);
    if (at < 0 || (k === rest.length - 1 && !text.endsWith(part))) return false;
    text = text.slice(at + part.length);
  }
  return rest.length > 0 || text.length === 0;
}
function admits(pool: Pool, org: string, repo: string, visibility: string, fork: boolean): boolean {
  const a = pool.allow;
  if (!a) return false;
  if (!a.orgs.some((o) => o.toLowerCase() === org.toLowerCase())) return false;
  const [ro = "", rn = ""] = repo.split("/");
  if (
    !a.repositories.some((p) => {
      const [po = "", pn = ""] = p.split("/");
      return glob(po, ro) && glob(pn, rn);
    })
  )
    return false;
  if (!a.visibilities.includes(visibility as (typeof VISIBILITIES)[number])) return false;
  // Fork runs are told apart for public repositories only: GitHub runs none from forks of private or
  // internal ones unless an admin enables it (the documented assumption in src/domain/evaluate-policy.ts).
  return !(fork && visibility === "public") || a.allowForks;
}

describe("judgeRunnerJob against random worlds", () => {
  it(`never allows a job its runner's pool denies, or that no pool covers (${RUNS} cases)`, () => {
    let cases = 0;
    let falseAllows = 0;
    let allowed = 0;
    fc.assert(
      fc.property(world, (w) => {
        const routable = w.pools.filter((p) => covers([...p.labels, ...BUILT_IN], w.jobLabels));
        // GitHub never hands a job to a runner whose labels do not cover it.
        if (w.runnerKind === "pool" && routable.length === 0) return true;
        const runnerPool = routable[w.runnerPick % Math.max(1, routable.length)];
        const runner: RunnerOrigin =
          w.runnerKind === "pool" && runnerPool
            ? { kind: "pool", pool: runnerPool }
            : w.runnerKind === "unknown-pool"
              ? { kind: "unknown-pool", tag: w.runnerPick % 2 ? "gone" : undefined }
              : { kind: "no-instance" };
        const repo = `${w.org}/${w.name}`;
        const input = {
          org: w.org,
          repository: { fullName: repo, visibility: w.visibility },
          jobLabels: w.jobLabels,
          runner,
          pools: w.pools,
        };
        // The caller asks GitHub about the fork only when the check says it matters (as job-started.ts does).
        const forkRun = runnerNeedsForkCheck(input) ? w.fork : undefined;
        const verdict = judgeRunnerJob({ ...input, forkRun });
        cases++;
        const anyPoolCovers = w.pools.some((p) => covers([...p.labels, "self-hosted"], w.jobLabels));
        const shouldAllow =
          runner.kind === "pool" && anyPoolCovers && admits(runner.pool, w.org, repo, w.visibility, w.fork);
        if (verdict.verdict === "allowed") {
          allowed++;
          if (!shouldAllow) falseAllows++;
        }
        // Plain booleans, not expect(): a property that runs 100,000 times should cost microseconds.
        if (runner.kind === "no-instance") return verdict.verdict === "rogue";
        return (verdict.verdict === "allowed") === shouldAllow;
      }),
      { numRuns: RUNS },
    );
    expect(falseAllows).toBe(0);
    // The worlds must exercise both answers, or the property says nothing.
    expect(allowed).toBeGreaterThan(cases / 100);
    expect(cases).toBeGreaterThan(RUNS / 2);
  });
});
