import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { formatProblems } from "../../src/errors.js";
import { parsePoolFile } from "../../src/pool-file.js";
import { MINIMAL_POOLS } from "../fixtures/config/config-env.js";

/** The pool file's problems as `npm run check-config` prints them: pools by name, type errors in plain words. */
type Pool = Record<string, unknown>;
const TWO_POOLS = (() => {
  const doc = parse(MINIMAL_POOLS) as { pools: Pool[] };
  doc.pools.push({ ...doc.pools[0]!, name: "large" });
  return doc;
})();
const withLarge = (fields: Pool): string => {
  const doc = structuredClone(TWO_POOLS);
  Object.assign(doc.pools[1]!, fields);
  return stringify(doc);
};
const problemsOf = (text: string) => parsePoolFile(text, "pools.yml").problems;

describe("pool-file problems", () => {
  it.each([
    [{ maxRunners: "ten" }, "maxRunners", 'must be a whole number from 1 to 10000, got "ten"', "e.g. 20"],
    [{ maxRunners: 2.5 }, "maxRunners", "must be a whole number from 1 to 10000, got 2.5", "e.g. 20"],
    [{ maxRunners: 0 }, "maxRunners", "must be a whole number from 1 to 10000, got 0", "e.g. 20"],
    [{ labels: "linux" }, "labels", 'must be a list, e.g. [a, b], got "linux"', "[linux, x64, mayfly-large]"],
    [{ publicIp: "yes" }, "publicIp", 'must be true or false, got "yes"', "the default is false"],
    [
      { market: "spto" },
      "market",
      'must be one of on-demand, spot, spot-then-on-demand, got "spto"',
      "did you mean spot?",
    ],
    [{ volume: { sizeGiB: 4 } }, "volume.sizeGiB", "must be a whole number from 8 to 16384, got 4", "GiB"],
    [
      { warm: { hot: "many" } },
      "warm.hot",
      'must be a whole number from 0 to 1000, got "many"',
      "idle, enrolled",
    ],
    [{ image: 5 }, "image", "matches none of the forms it takes, got 5", "variant: standard"],
    [
      { instanceTypes: ["M7i"] },
      "instanceTypes[0]",
      "must be an EC2 instance type like m7i.large",
      "m7i.large",
    ],
    [{ subnets: null }, "subnets", "is missing", "private subnet ids"],
  ])('%o → pool "large": %s %s', (fields, key, problem, fix) => {
    const problems = problemsOf(withLarge(fields));
    expect(problems).toEqual([
      { key: `pools.yml: pool "large": ${key}`, problem, fix: expect.stringContaining(fix) },
    ]);
  });

  it.each([
    ["version: 2\npools: []\n", "pools.yml: version", "must be 1, got 2"],
    ["version: 1\npools: {}\n", "pools.yml: pools", "must be a list, e.g. [a, b], got a mapping ({})"],
    ["", "pools.yml: (top)", "is empty"],
  ])("file-level %j → %s %s", (text, key, problem) => {
    expect(problemsOf(text)[0]).toMatchObject({ key, problem });
  });

  it("names a pool without a name, or one whose name is taken, by its position", () => {
    const doc = structuredClone(TWO_POOLS);
    doc.pools.push({ ...doc.pools[1]!, maxRunners: "x" }, { ...doc.pools[1]!, name: undefined });
    expect(problemsOf(stringify(doc)).map((p) => `${p.key}: ${p.problem}`)).toEqual([
      'pools.yml: pool #3 "large": maxRunners: must be a whole number from 1 to 10000, got "x"',
      "pools.yml: pool #4 (no name): name: is missing",
    ]);
    doc.pools[2]!.maxRunners = 3;
    doc.pools.pop();
    expect(problemsOf(stringify(doc)).map((p) => `${p.key}: ${p.problem}`)).toEqual([
      'pools.yml: pool #3 "large": name: is also the name of pool #2; each pool needs its own name',
    ]);
  });

  it("suggests the key a typo meant, in the pool the typo is in", () => {
    const [problem, ...rest] = problemsOf(withLarge({ maxRunner: 5 }));
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({
      key: 'pools.yml: pool "large"',
      problem: "has unknown key(s) maxRunner",
    });
    expect(problem?.fix).toContain("maxRunner → maxRunners?");
  });

  it("reports every problem of every pool at once, one line each, as check-config prints them", () => {
    const text = withLarge({ maxRunners: "ten", market: "spto", colour: "blue" });
    const message = formatProblems(problemsOf(text));
    expect(message.split("\n")).toEqual([
      "Mayfly configuration has 3 problems:",
      '  - pools.yml: pool "large": market: must be one of on-demand, spot, spot-then-on-demand, got "spto". Fix: did you mean spot? use on-demand, spot or spot-then-on-demand',
      '  - pools.yml: pool "large": maxRunners: must be a whole number from 1 to 10000, got "ten". Fix: set the most runners this pool may have at once, e.g. 20',
      '  - pools.yml: pool "large": has unknown key(s) colour. Fix: remove or correct the key; mayfly.example.yml shows every key',
    ]);
  });
});
