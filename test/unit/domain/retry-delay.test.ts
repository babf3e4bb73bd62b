import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { retryDelaySeconds } from "../../../src/domain/retry-delay.js";

const at = (r: number) => () => r;

describe("retryDelaySeconds", () => {
  it.each([
    { attempt: 1, random: 0.999, expected: 5 },
    { attempt: 2, random: 0.999, expected: 10 },
    { attempt: 3, random: 0.999, expected: 20 },
    { attempt: 4, random: 0.999, expected: 40 },
    { attempt: 5, random: 0.999, expected: 60 },
    { attempt: 50, random: 0.999, expected: 60 },
    { attempt: 5000, random: 0.999, expected: 60 },
    { attempt: 3, random: 0.5, expected: 10 },
    { attempt: 3, random: 0.01, expected: 1 },
    { attempt: 3, random: 0, expected: 1 },
    { attempt: 0, random: 0.999, expected: 5 },
    { attempt: -3, random: 0.999, expected: 5 },
    { attempt: Number.NaN, random: 0.999, expected: 5 },
  ])("attempt $attempt, random $random → $expected s (base 5, cap 60)", ({ attempt, random, expected }) => {
    expect(retryDelaySeconds(attempt, { baseSeconds: 5, capSeconds: 60, random: at(random) })).toBe(expected);
  });

  it.each([
    { baseSeconds: 0, capSeconds: 60, expected: 1 },
    { baseSeconds: 5, capSeconds: 0, expected: 1 },
    { baseSeconds: 5, capSeconds: 2.5, expected: 2 },
    { baseSeconds: Number.NaN, capSeconds: 60, expected: 1 },
  ])(
    "odd options base $baseSeconds cap $capSeconds stay in [1, cap]",
    ({ baseSeconds, capSeconds, expected }) => {
      expect(retryDelaySeconds(1, { baseSeconds, capSeconds, random: at(0.999) })).toBe(expected);
    },
  );

  it("a random() outside [0, 1) is clamped", () => {
    expect(retryDelaySeconds(2, { baseSeconds: 5, capSeconds: 60, random: at(7) })).toBe(10);
    expect(retryDelaySeconds(2, { baseSeconds: 5, capSeconds: 60, random: at(-1) })).toBe(1);
  });

  it("property: whole seconds in [1, cap], within the attempt's exponential ceiling", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 2000 }),
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: 3600 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseSeconds, capSeconds, r) => {
          const delay = retryDelaySeconds(attempt, { baseSeconds, capSeconds, random: at(r) });
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(1);
          expect(delay).toBeLessThanOrEqual(capSeconds);
          const ceiling = Math.min(capSeconds, baseSeconds * 2 ** Math.max(0, Math.min(attempt - 1, 52)));
          expect(delay).toBeLessThanOrEqual(Math.max(1, Math.ceil(ceiling)));
        },
      ),
    );
  });

  it("spreads retries: different draws give different delays", () => {
    const delays = new Set(
      [0.1, 0.3, 0.5, 0.7, 0.9].map((r) =>
        retryDelaySeconds(6, { baseSeconds: 5, capSeconds: 300, random: at(r) }),
      ),
    );
    expect(delays.size).toBe(5);
  });
});
