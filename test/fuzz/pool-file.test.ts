import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { SANDBOX_POOLS_YAML } from "../../sandbox/sandbox-pools.js";
import type { ConfigProblem } from "../../src/errors.js";
import { parsePoolFile } from "../../src/pool-file.js";
import { edits, mutate } from "./arbitraries.js";

/**
 * Fuzzed pool files (issue 7, bad input): `parsePoolFile` never throws; it returns a file or at least one
 * problem, and every problem names the key, what is wrong and how to fix it.
 */
function expectClearOutcome(text: string): void {
  const result = parsePoolFile(text, "pools.yml");
  if (result.file) {
    expect(result.problems).toEqual([]);
    return;
  }
  expect(result.problems.length).toBeGreaterThan(0);
  for (const problem of result.problems) expect(isClear(problem), JSON.stringify(problem)).toBe(true);
}

function isClear(p: ConfigProblem): boolean {
  return [p.key, p.problem, p.fix].every((s) => typeof s === "string" && s.trim().length > 0);
}

describe("fuzzed pool files", () => {
  it("random text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (text) => expectClearOutcome(text)),
      { numRuns: 300 },
    );
  });

  it("random YAML documents", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => expectClearOutcome(stringify(value))),
      { numRuns: 300 },
    );
  });

  it("the sandbox's pool file with random edits", () => {
    const base = parse(SANDBOX_POOLS_YAML) as unknown;
    fc.assert(
      fc.property(edits(base), (changes) => expectClearOutcome(stringify(mutate(base, changes)))),
      { numRuns: 300 },
    );
  });

  it.each([
    ["deep nesting", `${"- ".repeat(2_000)}x\n`],
    ["deep flow nesting", `pools: ${"[".repeat(5_000)}${"]".repeat(5_000)}\n`],
    ["a custom tag", "version: 1\npools: !!js/function 'function () { return 1 }'\n"],
    ["duplicate keys", "version: 1\nversion: 2\npools: []\n"],
    ["several documents", "version: 1\n---\nversion: 2\n"],
    ["a byte-order mark and CRLF", "\ufeffversion: 1\r\npools: []\r\n"],
    ["huge numbers", `version: 1e400\npools:\n  - name: a\n    maxRunners: ${"9".repeat(400)}\n`],
    ["a NUL byte", "version: 1\npools: [\u0000]\n"],
    ["only a comment", "# nothing here\n"],
    ["an empty file", ""],
  ])("%s", (_name, text) => {
    expectClearOutcome(text);
  });

  it("a key named like an Object method gets a fix of its own (found by fuzzing: prices.valueOf)", () => {
    const base = parse(SANDBOX_POOLS_YAML) as Record<string, unknown>;
    expectClearOutcome(stringify({ ...base, prices: { valueOf: false } }));
    expectClearOutcome(stringify({ ...base, prices: { constructor: "x" } }));
  });

  /**
   * Found by fuzzing, fixed in 04a222c: `doc.toJS()` throws on an alias it cannot resolve and on an alias
   * bomb (the yaml library's guard against resource exhaustion); parsePoolFile let the ReferenceError out,
   * so startup crashed with a stack instead of listing the problem.
   */
  it.each([
    ["an unresolved alias", "version: 1\npools: *missing\n"],
    [
      "an alias bomb",
      `a: &a [x, x, x, x, x, x, x, x]\n${Array.from({ length: 12 }, (_, i) => `b${i}: &b${i} [${`*${i === 0 ? "a" : `b${i - 1}`}, `.repeat(8)}x]`).join("\n")}\npools: *b11\n`,
    ],
  ])("%s is a problem, not a crash", (_name, text) => {
    expectClearOutcome(text);
  });
});
