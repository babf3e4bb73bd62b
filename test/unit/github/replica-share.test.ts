import { describe, expect, it } from "vitest";
import { registrationShare, writeShare } from "../../../src/github/replica-share.js";

describe("writeShare", () => {
  it.each([
    // pointsPerMinute, replicas → per replica
    [875, 1, { pointsPerMinute: 875, burstPoints: 25 }],
    [875, 2, { pointsPerMinute: 437.5, burstPoints: 12.5 }],
    [875, 3, { pointsPerMinute: 875 / 3, burstPoints: 25 / 3 }],
    [800, 1, { pointsPerMinute: 800, burstPoints: 50 }],
    // 1/10 of the burst is less than one write: each keeps one write and gives up rate instead.
    [875, 10, { pointsPerMinute: 85, burstPoints: 5 }],
  ])("%i points a minute over %i replica(s)", (ppm, replicas, share) => {
    const got = writeShare(ppm, replicas);
    expect(got.pointsPerMinute).toBeCloseTo(share.pointsPerMinute, 6);
    expect(got.burstPoints).toBeCloseTo(share.burstPoints, 6);
  });

  it.each([1, 2, 3, 5, 10, 20])("keeps burst + a minute's refill within 900 points over %i replicas", (n) => {
    for (const ppm of [5, 100, 500, 800, 875, 900]) {
      const s = writeShare(ppm, n);
      expect(n * (s.burstPoints + s.pointsPerMinute)).toBeLessThanOrEqual(Math.max(900, n * 10) + 1e-9);
      expect(s.burstPoints).toBeGreaterThanOrEqual(5);
    }
  });
});

describe("registrationShare", () => {
  it.each([
    [1500, 1, { perMinute: 290, burst: 50 }],
    [1500, 2, { perMinute: 145, burst: 25 }],
    [1500, 3, { perMinute: 290 / 3, burst: 50 / 3 }],
    [3000, 1, { perMinute: 580, burst: 100 }],
  ])("%i per 5 minutes over %i replica(s)", (limit, replicas, share) => {
    const got = registrationShare(limit, replicas);
    expect(got.perMinute).toBeCloseTo(share.perMinute, 6);
    expect(got.burst).toBeCloseTo(share.burst, 6);
  });

  it.each([1, 2, 3, 7])("no 5-minute window over %i replicas passes the org's limit", (n) => {
    for (const limit of [30, 1500, 10_000]) {
      const s = registrationShare(limit, n);
      expect(n * (s.burst + 5 * s.perMinute)).toBeLessThanOrEqual(limit + 1e-9);
    }
  });
});
