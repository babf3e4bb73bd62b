import { describe, expect, it } from "vitest";
import { DEFAULT_BREAKER, spotBreaker } from "../../../src/domain/spot-breaker.js";

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 1, 12, 0);
const at = (minutes: number) => T0 + minutes * MIN;

describe("spotBreaker (k=2, window 15 min, open 30 min)", () => {
  it.each([
    { name: "no interruptions", interruptions: [], now: at(0), state: "closed" },
    { name: "one interruption", interruptions: [at(0)], now: at(1), state: "closed" },
    { name: "two within 15 min open it", interruptions: [at(0), at(10)], now: at(10), state: "open" },
    {
      name: "exactly 15 min apart still open it",
      interruptions: [at(0), at(15)],
      now: at(16),
      state: "open",
    },
    { name: "16 min apart do not", interruptions: [at(0), at(16)], now: at(17), state: "closed" },
    { name: "still open 29 min after", interruptions: [at(0), at(10)], now: at(39), state: "open" },
    { name: "closes by itself 30 min after", interruptions: [at(0), at(10)], now: at(40), state: "closed" },
    {
      name: "a third within the window of the second extends it",
      interruptions: [at(0), at(10), at(20)],
      now: at(45),
      state: "open",
    },
    {
      name: "a lone later one does not",
      interruptions: [at(0), at(10), at(35)],
      now: at(45),
      state: "closed",
    },
    {
      name: "future timestamps (clock skew) are ignored",
      interruptions: [at(0), at(60)],
      now: at(5),
      state: "closed",
    },
  ])("$name → $state", ({ interruptions, now, state }) => {
    expect(spotBreaker(now, interruptions, DEFAULT_BREAKER).state).toBe(state);
  });

  it("says when it closes and why it opened", () => {
    expect(spotBreaker(at(12), [at(10), at(0)], DEFAULT_BREAKER)).toEqual({
      state: "open",
      openedAt: at(10),
      until: at(40),
      reason: "2 spot interruptions within 15 min: on-demand for 30 min",
    });
  });

  it("honours other settings", () => {
    const settings = { k: 3, windowMs: 5 * MIN, openMs: 10 * MIN };
    expect(spotBreaker(at(4), [at(0), at(2), at(4)], settings).state).toBe("open");
    expect(spotBreaker(at(6), [at(0), at(6)], settings).state).toBe("closed");
    expect(spotBreaker(at(15), [at(0), at(2), at(4)], settings).state).toBe("closed");
  });
});
