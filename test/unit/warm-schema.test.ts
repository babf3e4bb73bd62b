import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { parsePoolFile } from "../../src/pool-file.js";
import { MINIMAL_POOLS } from "../fixtures/config/config-env.js";

function withWarm(warm: unknown): string {
  const doc = parse(MINIMAL_POOLS) as { pools: Array<Record<string, unknown>> };
  const pool = doc.pools[0] as Record<string, unknown>;
  pool.warm = warm;
  pool.maxRunners = 10;
  return stringify(doc);
}
const parsed = (warm: unknown) => parsePoolFile(withWarm(warm), "pools.yml");
const problems = (warm: unknown) => parsed(warm).problems.map(({ key, problem }) => ({ key, problem }));

describe("the pool file's warm key", () => {
  it("reads hot, stopped, schedules and the maximum age, with day ranges expanded", () => {
    const { file, problems: found } = parsed({
      hot: 1,
      stopped: 2,
      maxAge: "12h",
      schedules: [{ days: "mon-fri", from: "08:00", to: "18:00", timeZone: "Europe/Paris", hot: 4 }],
    });
    expect(found).toEqual([]);
    expect(file?.pools[0]?.warm).toEqual({
      hot: 1,
      stopped: 2,
      maxAge: 43_200,
      schedules: [
        {
          days: ["mon", "tue", "wed", "thu", "fri"],
          from: "08:00",
          to: "18:00",
          timeZone: "Europe/Paris",
          hot: 4,
          stopped: 0,
        },
      ],
    });
  });

  it.each([
    { days: "fri-mon", expected: ["fri", "sat", "sun", "mon"] },
    { days: ["sat", "SUN"], expected: ["sat", "sun"] },
    { days: "every-day", expected: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
  ])("days $days → $expected", ({ days, expected }) => {
    const { file } = parsed({ schedules: [{ days, from: "00:00", to: "24:00" }] });
    expect(file?.pools[0]?.warm?.schedules[0]?.days).toEqual(expected);
    expect(file?.pools[0]?.warm?.schedules[0]?.timeZone).toBe("UTC");
  });

  it.each([
    {
      name: "an unknown day",
      warm: { schedules: [{ days: "mon-fry", from: "08:00", to: "18:00" }] },
      key: 'pools.yml: pool "small": warm.schedules[0].days',
      says: /not a day/,
    },
    {
      name: "a time that is not HH:MM",
      warm: { schedules: [{ days: "mon", from: "8am", to: "18:00" }] },
      key: 'pools.yml: pool "small": warm.schedules[0].from',
      says: /HH:MM/,
    },
    {
      name: "an unknown time zone",
      warm: { schedules: [{ days: "mon", from: "08:00", to: "18:00", timeZone: "Europe/Pariss" }] },
      key: 'pools.yml: pool "small": warm.schedules[0].timeZone',
      says: /IANA/,
    },
    {
      name: "more hot runners than maxRunners",
      warm: { schedules: [{ days: "mon", from: "08:00", to: "18:00", hot: 11 }] },
      key: 'pools.yml: pool "small": warm.schedules[0].hot',
      says: /more than the pool's maxRunners \(10\)/,
    },
    {
      name: "a negative count",
      warm: { stopped: -1 },
      key: 'pools.yml: pool "small": warm.stopped',
      says: /./,
    },
    { name: "an unknown key", warm: { hott: 1 }, key: 'pools.yml: pool "small": warm', says: /hott/ },
  ])("refuses $name, naming the key", ({ warm, key, says }) => {
    const found = problems(warm);
    expect(found).toEqual([expect.objectContaining({ key })]);
    expect(found[0]?.problem).toMatch(says);
  });
});
