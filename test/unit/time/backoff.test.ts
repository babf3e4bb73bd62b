import { describe, expect, it } from "vitest";
import { type BackoffOptions, backoff } from "../../../src/time/backoff.js";

const full = (random: number): BackoffOptions => ({ base: 2, cap: 60, jitter: "full", random: () => random });
const equal = (random: number): BackoffOptions => ({
  base: 2,
  cap: 300,
  floor: 2,
  jitter: "equal",
  random: () => random,
});

describe("backoff", () => {
  it.each([
    { attempt: 1, random: 0.999, options: full, expected: 2 },
    { attempt: 3, random: 0.999, options: full, expected: 8 },
    { attempt: 3, random: 0.5, options: full, expected: 4 },
    { attempt: 10, random: 0.999, options: full, expected: 60 },
    { attempt: 1, random: 0, options: full, expected: 1 },
    { attempt: 1, random: 0, options: equal, expected: 2 },
    { attempt: 4, random: 0, options: equal, expected: 8 },
    { attempt: 4, random: 0.999, options: equal, expected: 16 },
    { attempt: 20, random: 0.999, options: equal, expected: 300 },
  ])("attempt $attempt, random $random → $expected", ({ attempt, random, options, expected }) => {
    expect(backoff(attempt, options(random))).toBe(expected);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, -5, 1e9])(
    "stays within [floor, cap] for attempt %s",
    (attempt) => {
      const value = backoff(attempt, full(0.7));
      expect(value).toBeGreaterThanOrEqual(1);
      expect(value).toBeLessThanOrEqual(60);
    },
  );

  it.each([Number.NaN, -1, 2])("clamps a random of %s into range", (random) => {
    const value = backoff(3, full(random));
    expect(value).toBeGreaterThanOrEqual(1);
    expect(value).toBeLessThanOrEqual(8);
  });
});
