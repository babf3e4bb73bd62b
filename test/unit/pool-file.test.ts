import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { parsePoolFile } from "../../src/pool-file.js";
import { EXAMPLE_POOLS_PATH, MINIMAL_POOLS } from "../fixtures/config/config-env.js";

type Doc = { version?: unknown; pools: Record<string, unknown>[]; [key: string]: unknown };

/** The minimal valid file, changed by `edit`, as YAML text. */
const withEdit = (edit: (doc: Doc, pool: Record<string, unknown>) => void): string => {
  const doc = parse(MINIMAL_POOLS) as Doc;
  edit(doc, doc.pools[0]!);
  return stringify(doc);
};
const problemsOf = (text: string) =>
  parsePoolFile(text, "pools.yml").problems.map(({ key, problem }) => ({ key, problem }));

describe("parsePoolFile", () => {
  it("loads the shipped mayfly.example.yml with defaults filled and durations in seconds", () => {
    const { file, problems } = parsePoolFile(readFileSync(EXAMPLE_POOLS_PATH, "utf8"), "mayfly.example.yml");
    expect(problems).toEqual([]);
    expect(file?.pools.map((p) => p.name)).toEqual(["linux-small", "linux-large", "arm-public"]);
    const [small, large, arm] = file!.pools;
    expect(small?.timeouts).toEqual({ boot: 300, idle: 600, job: 7200 });
    expect(small?.allow).toEqual({
      orgs: ["acme"],
      repositories: ["acme/*"],
      visibilities: ["private", "internal"],
      allowForks: false,
    });
    expect(small?.volume).toEqual({ deviceName: "/dev/xvda", sizeGiB: 30, type: "gp3" });
    expect(large?.image).toBe("ami-0123456789abcdef0");
    expect(large?.volume).toEqual({ deviceName: "/dev/xvda", sizeGiB: 100, type: "gp3", throughput: 250 });
    expect(arm?.allow?.visibilities).toEqual(["public"]);
    expect(arm?.market).toBe("spot");
    expect(file?.prices["t3.medium"]).toEqual({ onDemand: 0.0416, spot: 0.0125 });
    expect(file?.volumePrices).toEqual({ gp3: 0.08 });
  });

  it("prices EBS volumes at gp3 in us-east-1 unless the file says otherwise", () => {
    expect(
      parsePoolFile(
        withEdit(() => {}),
        "pools.yml",
      ).file?.volumePrices,
    ).toEqual({ gp3: 0.08 });
    const text = withEdit((d) => Object.assign(d, { volumePrices: { gp3: 0.0952, gp2: 0.119 } }));
    expect(parsePoolFile(text, "pools.yml").file?.volumePrices).toEqual({ gp3: 0.0952, gp2: 0.119 });
  });

  it("fills safe defaults on a minimal pool, and gives `allow` none", () => {
    const text = withEdit((_, pool) => {
      delete pool.allow;
    });
    const pool = parsePoolFile(text, "pools.yml").file?.pools[0];
    expect(pool).toMatchObject({
      market: "on-demand",
      publicIp: false,
      runnerGroup: "Default",
      timeouts: { boot: 300, idle: 600, job: 21_600 },
    });
    expect(pool?.allow).toBeUndefined();
  });

  it.each([
    ["1h30m", 5400],
    ["90s", 90],
    [3600, 3600],
    ["2d", 172_800],
  ])("job timeout %s is %i seconds", (job, seconds) => {
    const text = withEdit((_, p) => Object.assign(p, { timeouts: { job } }));
    expect(parsePoolFile(text, "pools.yml").file?.pools[0]?.timeouts.job).toBe(seconds);
  });

  it.each<[string, string, { key: string; problem: string }[]]>([
    [
      "pool without subnets",
      withEdit((_, p) => delete p.subnets),
      [{ key: 'pools.yml: pool "small": subnets', problem: "is missing" }],
    ],
    [
      "pool with no subnets",
      withEdit((_, p) => Object.assign(p, { subnets: [] })),
      [{ key: 'pools.yml: pool "small": subnets', problem: "must list at least one subnet" }],
    ],
    [
      "bad subnet id",
      withEdit((_, p) => Object.assign(p, { subnets: ["vpc-1234"] })),
      [{ key: 'pools.yml: pool "small": subnets[0]', problem: "must be a subnet id (subnet-…)" }],
    ],
    [
      "unknown pool key",
      withEdit((_, p) => Object.assign(p, { colour: "blue" })),
      [{ key: 'pools.yml: pool "small"', problem: "has unknown key(s) colour" }],
    ],
    [
      "unknown top-level key",
      withEdit((d) => Object.assign(d, { pool: [] })),
      [{ key: "pools.yml: (top)", problem: "has unknown key(s) pool" }],
    ],
    [
      "duplicate pool names",
      withEdit((d, p) => d.pools.push({ ...p })),
      [
        {
          key: 'pools.yml: pool #2 "small": name',
          problem: "is also the name of pool #1; each pool needs its own name",
        },
      ],
    ],
    [
      "bad duration `5 minutes`",
      withEdit((_, p) => Object.assign(p, { timeouts: { idle: "5 minutes" } })),
      [
        {
          key: 'pools.yml: pool "small": timeouts.idle',
          problem: '"5 minutes" is not a duration (use e.g. 90s, 5m, 6h)',
        },
      ],
    ],
    [
      "duration out of range",
      withEdit((_, p) => Object.assign(p, { timeouts: { boot: "2h" } })),
      [{ key: 'pools.yml: pool "small": timeouts.boot', problem: "2h is outside 30s–1h" }],
    ],
    [
      "negative maxRunners",
      withEdit((_, p) => Object.assign(p, { maxRunners: -1 })),
      [
        {
          key: 'pools.yml: pool "small": maxRunners',
          problem: "must be a whole number from 1 to 10000, got -1",
        },
      ],
    ],
    [
      "label with a space",
      withEdit((_, p) => Object.assign(p, { labels: ["linux x64"] })),
      [{ key: 'pools.yml: pool "small": labels[0]', problem: "must not contain spaces or commas" }],
    ],
    [
      "allow without orgs",
      withEdit((_, p) => Object.assign(p, { allow: { orgs: [] } })),
      [{ key: 'pools.yml: pool "small": allow.orgs', problem: "must name at least one org" }],
    ],
    [
      "repository pattern without owner",
      withEdit((_, p) => Object.assign(p, { allow: { orgs: ["acme"], repositories: ["api-*"] } })),
      [
        {
          key: 'pools.yml: pool "small": allow.repositories[0]',
          problem: "must look like owner/name (wildcards * allowed)",
        },
      ],
    ],
    [
      "pool without image",
      withEdit((_, p) => delete p.image),
      [{ key: 'pools.yml: pool "small": image', problem: "is missing" }],
    ],
    [
      "`subnets:` left empty",
      withEdit((_, p) => Object.assign(p, { subnets: null })),
      [{ key: 'pools.yml: pool "small": subnets', problem: "is missing" }],
    ],
    [
      "unknown visibility",
      withEdit((_, p) => Object.assign(p, { allow: { orgs: ["acme"], visibilities: ["privat"] } })),
      [
        {
          key: 'pools.yml: pool "small": allow.visibilities[0]',
          problem: 'must be one of private, internal, public, got "privat"',
        },
      ],
    ],
    [
      "a volume price per TiB instead of per GiB",
      withEdit((d) => Object.assign(d, { volumePrices: { gp3: 81.92 } })),
      [
        {
          key: "pools.yml: volumePrices.gp3",
          problem: "must be a number from 0 to 10, got 81.92",
        },
      ],
    ],
    [
      "a volume type EBS does not have",
      withEdit((d) => Object.assign(d, { volumePrices: { gp4: 0.08 } })),
      [{ key: "pools.yml: volumePrices", problem: expect.stringContaining("gp4") }],
    ],
    [
      "missing version",
      withEdit((d) => delete d.version),
      [{ key: "pools.yml: version", problem: "is missing" }],
    ],
    [
      "no pools",
      withEdit((d) => Object.assign(d, { pools: [] })),
      [{ key: "pools.yml: pools", problem: "must define at least one pool" }],
    ],
    ["empty file", "", [{ key: "pools.yml: (top)", problem: "is empty" }]],
    [
      "invalid YAML",
      "version: 1\npools:\n  - name: [small\n",
      [
        {
          key: "pools.yml",
          problem:
            "is not valid YAML at line 4, column 1 (Flow sequence in block collection must be sufficiently indented and end with a ])",
        },
      ],
    ],
    [
      "duplicate YAML key",
      "version: 1\nversion: 1\npools: []\n",
      [{ key: "pools.yml", problem: "is not valid YAML at line 2, column 1 (Map keys must be unique)" }],
    ],
  ])("%s", (_, text, expected) => {
    expect(problemsOf(text)).toEqual(expected);
  });

  it("reports every problem of a file at once, each with a fix", () => {
    const text = withEdit((d, p) => {
      delete p.subnets;
      Object.assign(p, { maxRunners: 0, colour: "blue", timeouts: { idle: "5 minutes" } });
      d.pools.push({ ...p, name: "Bad Name" });
    });
    const { file, problems } = parsePoolFile(text, "pools.yml");
    expect(file).toBeUndefined();
    expect(problems.map((p) => p.key).sort()).toEqual(
      [
        'pools.yml: pool "small"',
        'pools.yml: pool "small": maxRunners',
        'pools.yml: pool "small": subnets',
        'pools.yml: pool "small": timeouts.idle',
        'pools.yml: pool "Bad Name"',
        'pools.yml: pool "Bad Name": maxRunners',
        'pools.yml: pool "Bad Name": name',
        'pools.yml: pool "Bad Name": subnets',
        'pools.yml: pool "Bad Name": timeouts.idle',
      ].sort(),
    );
    expect(problems.find((p) => p.key === 'pools.yml: pool "small"')?.fix).toBe(
      "remove or correct the key; mayfly.example.yml shows every key",
    );
    expect(problems.find((p) => p.key === 'pools.yml: pool "small": subnets')?.fix).toBe(
      "list private subnet ids the runners may use",
    );
    expect(problems.every((p) => p.fix.length > 0)).toBe(true);
  });
});
