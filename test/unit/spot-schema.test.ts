import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { DEFAULT_BREAKER } from "../../src/domain/spot-breaker.js";
import { parsePoolFile } from "../../src/pool-file.js";
import { breakerSettingsOf } from "../../src/spot-schema.js";
import { MINIMAL_POOLS } from "../fixtures/config/config-env.js";

function withSpot(spot: unknown, market = "spot-then-on-demand"): string {
  const doc = parse(MINIMAL_POOLS) as { pools: Array<Record<string, unknown>> };
  const pool = doc.pools[0] as Record<string, unknown>;
  pool.market = market;
  if (spot !== undefined) pool.spot = spot;
  return stringify(doc);
}
const parsed = (spot: unknown, market?: string) => parsePoolFile(withSpot(spot, market), "pools.yml");

describe("the pool file's spot key (the spot circuit breaker)", () => {
  it("defaults to 2 interruptions within 15 min → on-demand for 30 min, with or without the key", () => {
    const none = parsed(undefined).file?.pools[0];
    expect(none && breakerSettingsOf(none)).toEqual(DEFAULT_BREAKER);
    const empty = parsed({}).file?.pools[0];
    expect(empty?.spot).toEqual({ breaker: { interruptions: 2, within: 900, openFor: 1800 } });
    expect(empty && breakerSettingsOf(empty)).toEqual(DEFAULT_BREAKER);
    expect(DEFAULT_BREAKER).toEqual({ k: 2, windowMs: 900_000, openMs: 1_800_000 });
  });

  it("reads interruptions, within and openFor as the breaker's settings", () => {
    const { file, problems } = parsed({ breaker: { interruptions: 3, within: "5m", openFor: "10m" } });
    expect(problems).toEqual([]);
    const pool = file?.pools[0];
    expect(pool && breakerSettingsOf(pool)).toEqual({ k: 3, windowMs: 300_000, openMs: 600_000 });
  });

  it.each([
    {
      name: "zero interruptions",
      spot: { breaker: { interruptions: 0 } },
      market: "spot",
      key: 'pools.yml: pool "small": spot.breaker.interruptions',
      fix: /1 to 100/,
    },
    {
      name: "a window that is not a duration",
      spot: { breaker: { within: "a while" } },
      market: "spot",
      key: 'pools.yml: pool "small": spot.breaker.within',
      fix: /between 1m and 1h/,
    },
    {
      name: "a window and an open time past EC2's hour",
      spot: { breaker: { within: "30m", openFor: "45m" } },
      market: "spot",
      key: 'pools.yml: pool "small": spot.breaker.openFor',
      fix: /within \+ openFor at most 1h/,
    },
    {
      name: "a misspelt key",
      spot: { breaker: { openFour: "10m" } },
      market: "spot",
      key: 'pools.yml: pool "small": spot.breaker',
      fix: /openFour → openFor\?/,
    },
    {
      name: "a breaker on an on-demand pool",
      spot: { breaker: { interruptions: 2 } },
      market: "on-demand",
      key: 'pools.yml: pool "small": spot',
      fix: /spot markets only/,
    },
  ])("refuses $name, naming the key and the fix", ({ spot, market, key, fix }) => {
    const { file, problems } = parsed(spot, market);
    expect(file).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]?.key).toBe(key);
    expect(problems[0]?.fix).toMatch(fix);
  });

  it("says why within + openFor may not pass an hour", () => {
    const { problems } = parsed({ breaker: { within: "30m", openFor: "45m" } });
    expect(problems[0]?.problem).toMatch(
      /within \(30m\) \+ openFor \(45m\) is more than 1h.*terminated instance/,
    );
  });
});
