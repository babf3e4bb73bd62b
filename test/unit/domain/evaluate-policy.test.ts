import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  evaluatePolicy,
  needsForkCheck,
  type PolicyInput,
  repositoryMatches,
} from "../../../src/domain/evaluate-policy.js";
import type { PoolAllow } from "../../../src/pool-file.js";
import { makePool } from "./make-pool.js";

const allow = (over: Partial<PoolAllow> = {}): PoolAllow => ({
  orgs: ["acme"],
  repositories: ["acme/api-*", "acme/web"],
  visibilities: ["private", "internal"],
  allowForks: false,
  ...over,
});
const job = (
  fullName: string,
  visibility: PolicyInput["repository"]["visibility"] = "private",
  fork: "fork" | "not-fork" | "unknown" = "not-fork",
  org = "acme",
): PolicyInput => ({
  org,
  repository: { fullName, visibility },
  forkRun: fork === "unknown" ? undefined : fork === "fork",
});

const pool = makePool({ name: "p", allow: allow() });
const publicPool = makePool({ name: "pub", allow: allow({ visibilities: ["public"] }) });
const forkPool = makePool({ name: "forks", allow: allow({ visibilities: ["public"], allowForks: true }) });

describe("evaluatePolicy", () => {
  it.each([
    [job("acme/api-users"), pool, "org acme, repo acme/api-users matches acme/api-*, visibility private"],
    [
      job("Acme/API-users", "internal", "not-fork", "ACME"),
      pool,
      "org ACME, repo Acme/API-users matches acme/api-*, visibility internal",
    ],
    [
      job("acme/web", "private", "unknown"),
      pool,
      "org acme, repo acme/web matches acme/web, visibility private",
    ],
    [
      job("acme/api-x", "public", "not-fork"),
      publicPool,
      "org acme, repo acme/api-x matches acme/api-*, visibility public",
    ],
    [
      job("acme/api-x", "public", "fork"),
      forkPool,
      "org acme, repo acme/api-x matches acme/api-*, visibility public, fork run allowed",
    ],
    [
      job("acme/api-x", "public", "unknown"),
      forkPool,
      "org acme, repo acme/api-x matches acme/api-*, visibility public",
    ],
    [job("acme/api-", "private"), pool, "org acme, repo acme/api- matches acme/api-*, visibility private"],
  ])("allows %# (%j)", (input, p, reason) => {
    expect(evaluatePolicy(input, p)).toEqual({ allow: true, reason });
  });

  it.each([
    [
      job("acme/api-x"),
      makePool({ name: "open" }),
      "no-allow",
      'pool "open" has no allow block, so it admits nobody',
    ],
    [job("evil/api-x", "private", "not-fork", "evil"), pool, "org-not-allowed", "org evil is not in [acme]"],
    [job("acme/secret"), pool, "repo-not-allowed", "repo acme/secret matches none of [acme/api-*, acme/web]"],
    [job("acme/webx"), pool, "repo-not-allowed", "repo acme/webx matches none of [acme/api-*, acme/web]"],
    [
      job("acme-evil/api-x"),
      pool,
      "repo-not-allowed",
      "repo acme-evil/api-x matches none of [acme/api-*, acme/web]",
    ],
    [
      job("acme/api-x/y"),
      pool,
      "repo-not-allowed",
      "repo acme/api-x/y matches none of [acme/api-*, acme/web]",
    ],
    [
      job("acme/api-x", "public"),
      pool,
      "visibility-not-allowed",
      "repo acme/api-x is public, not in [private, internal]",
    ],
    [
      job("acme/api-x", "private"),
      publicPool,
      "visibility-not-allowed",
      "repo acme/api-x is private, not in [public]",
    ],
    [
      job("acme/api-x", "public", "fork"),
      publicPool,
      "fork-not-allowed",
      'run of acme/api-x comes from a fork and pool "pub" sets no allowForks',
    ],
    [
      job("acme/api-x", "private", "fork"),
      pool,
      "fork-not-allowed",
      'run of acme/api-x comes from a fork and pool "p" sets no allowForks',
    ],
    [
      job("acme/api-x", "public", "unknown"),
      publicPool,
      "fork-unknown",
      'repo acme/api-x is public and whether the run comes from a fork is not known (pool "pub" sets no allowForks)',
    ],
  ])("denies %# with %s", (input, p, code, reason) => {
    expect(evaluatePolicy(input, p)).toEqual({ allow: false, code, reason });
  });

  it("checks rules in order: org before repo before visibility before forks", () => {
    const everythingWrong = job("evil/x", "public", "fork", "evil");
    expect(evaluatePolicy(everythingWrong, pool)).toMatchObject({ allow: false, code: "org-not-allowed" });
    expect(evaluatePolicy({ ...everythingWrong, org: "acme" }, pool)).toMatchObject({
      code: "repo-not-allowed",
    });
  });
});

describe("needsForkCheck", () => {
  it.each([
    ["public repo, pool allows public, forks not allowed", true, job("acme/api-x", "public"), publicPool],
    ["public repo, pool allows forks", false, job("acme/api-x", "public"), forkPool],
    ["private repo: GitHub blocks fork runs unless an admin enables them", false, job("acme/api-x"), pool],
    ["internal repo", false, job("acme/api-x", "internal"), pool],
    ["public repo the pool refuses anyway", false, job("acme/api-x", "public"), pool],
    ["repo the pool refuses anyway", false, job("acme/other", "public"), publicPool],
    ["org the pool refuses anyway", false, job("evil/api-x", "public", "not-fork", "evil"), publicPool],
    ["pool without allow", false, job("acme/api-x", "public"), makePool()],
  ])("%s → %s", (_, expected, input, p) => {
    const { forkRun: _ignored, ...rest } = input;
    expect(needsForkCheck(rest, p)).toBe(expected);
  });
});

describe("repositoryMatches", () => {
  it.each([
    ["acme/*", "acme/x", true],
    ["acme/*", "ACME/X", true],
    ["*/*", "anyone/anything", true],
    ["acme/*", "acme/", true],
    ["acme/api-*", "acme/api-users", true],
    ["acme/*-svc", "acme/pay-svc", true],
    ["acme/*", "acme-evil/x", false],
    ["acme/*", "acme/x/y", false],
    ["acme/*", "xacme/x", false],
    ["*/*", "acme/x/y", false],
    ["acme/a.b", "acme/aXb", false],
    ["acme/a+", "acme/aa", false],
    ["acme/(x|y)", "acme/x", false],
    ["acme/(x|y)", "acme/(x|y)", true],
  ])("%s vs %s → %s", (pattern, name, expected) => {
    expect(repositoryMatches(pattern, name)).toBe(expected);
  });
});

describe("policy properties", () => {
  const word = fc.constantFrom("acme", "Acme", "acme-evil", "evil", "api", "api-x", "web", "a.b", "x");
  const pattern = fc
    .tuple(
      fc.constantFrom("acme", "*", "ac*", "evil"),
      fc.constantFrom("*", "api-*", "web", "a.b", "*x", "x"),
    )
    .map(([owner, name]) => `${owner}/${name}`);
  const allowBlock = fc.record({
    orgs: fc.uniqueArray(word, { minLength: 1, maxLength: 3 }),
    repositories: fc.uniqueArray(pattern, { minLength: 1, maxLength: 3 }),
    visibilities: fc.uniqueArray(fc.constantFrom("private", "internal", "public" as const), {
      minLength: 1,
      maxLength: 3,
    }),
    allowForks: fc.boolean(),
  });
  const input = fc.record({
    org: word,
    repository: fc.record({
      fullName: fc.oneof(
        fc.tuple(word, word).map(([o, n]) => `${o}/${n}`),
        fc.tuple(word, word, word).map(([o, n, m]) => `${o}/${n}/${m}`),
      ),
      visibility: fc.constantFrom("private", "internal", "public" as const),
    }),
    forkRun: fc.constantFrom(true, false, undefined),
  });

  /** Inputs aimed at the block (a listed org, a repo made from a pattern), so allows are common too. */
  const aimedAt = (a: PoolAllow) =>
    fc.record({
      org: fc.constantFrom(...a.orgs),
      repository: fc.record({
        fullName: fc
          .tuple(fc.constantFrom(...a.repositories), word)
          .map(([p, w]) => p.replaceAll("*", w.replaceAll("/", ""))),
        visibility: fc.constantFrom(...a.visibilities),
      }),
      forkRun: fc.constantFrom(true, false, undefined),
    });
  const blockAndInput = allowBlock.chain((a) => fc.tuple(fc.constant(a), fc.oneof(input, aimedAt(a))));

  /** An independent oracle: segment by segment, `*` matching any run of characters within one segment. */
  const globSegment = (p: string, s: string): boolean => {
    if (p === "") return s === "";
    if (p[0] === "*") return [...Array(s.length + 1).keys()].some((i) => globSegment(p.slice(1), s.slice(i)));
    return s.length > 0 && p[0]!.toLowerCase() === s[0]!.toLowerCase() && globSegment(p.slice(1), s.slice(1));
  };
  const oracle = (p: string, name: string) => {
    const [ps, ns] = [p.split("/"), name.split("/")];
    return ps.length === ns.length && ps.every((seg, i) => globSegment(seg, ns[i]!));
  };

  it("allow implies every grant holds", () => {
    fc.assert(
      fc.property(blockAndInput, ([a, i]) => {
        const decision = evaluatePolicy(i, makePool({ allow: a }));
        const grants =
          a.orgs.some((o) => o.toLowerCase() === i.org.toLowerCase()) &&
          a.repositories.some((p) => oracle(p, i.repository.fullName)) &&
          a.visibilities.includes(i.repository.visibility) &&
          !(i.forkRun === true && !a.allowForks) &&
          (i.repository.visibility !== "public" || i.forkRun !== undefined || a.allowForks);
        // Every other outcome is a deny with a reason, so `allow` is exactly the conjunction of the grants.
        expect(decision.allow).toBe(grants);
      }),
      { numRuns: 500 },
    );
  });

  it("a pool without an allow block always denies", () => {
    fc.assert(
      fc.property(input, (i) => {
        expect(evaluatePolicy(i, makePool())).toMatchObject({ allow: false, code: "no-allow" });
      }),
    );
  });

  it("needsForkCheck is true exactly when forkRun decides the outcome for a public repo", () => {
    fc.assert(
      fc.property(blockAndInput, ([a, i]) => {
        const p = makePool({ allow: a });
        const outcomes = [true, false, undefined].map(
          (forkRun) => evaluatePolicy({ ...i, forkRun }, p).allow,
        );
        const decides = new Set(outcomes).size > 1 && i.repository.visibility === "public";
        expect(needsForkCheck(i, p)).toBe(decides);
      }),
    );
  });

  it("acme/* never admits another owner or a deeper path", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string({ minLength: 1 }), (x, y, suffix) => {
        expect(repositoryMatches("acme/*", `acme-evil/${x}`)).toBe(false);
        expect(repositoryMatches("acme/*", `acme${suffix}/${x}`)).toBe(false);
        expect(repositoryMatches("acme/*", `acme/${x}/${y}`)).toBe(false);
      }),
    );
  });

  it("patterns agree with a segment-wise oracle on arbitrary names", () => {
    const segment = fc.string({
      unit: fc.constantFrom("a", "c", "m", "e", "-", ".", "*", "(", "+", "\\"),
      maxLength: 6,
    });
    fc.assert(
      fc.property(segment, segment, fc.string(), (owner, name, full) => {
        const p = `${owner}/${name}`;
        expect(repositoryMatches(p, full)).toBe(oracle(p, full));
        expect(repositoryMatches(p, `${owner.replaceAll("*", "z")}/${name.replaceAll("*", "")}`)).toBe(true);
      }),
    );
  });
});
