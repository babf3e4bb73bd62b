import { describe, expect, it } from "vitest";
import { ThrottledError } from "../../../src/errors.js";
import { handlerRetryDelay, receiveBackoffMs } from "../../../src/queue/consumer.js";

/** The consumer's two back-offs, both on the one `backoff` (src/time/backoff.ts). */
describe("handlerRetryDelay", () => {
  it.each([
    // receiveCount, random, seconds
    [1, 0, 2],
    [1, 1, 2],
    [2, 0, 2],
    [2, 1, 4],
    [3, 0.5, 6],
    [5, 1, 32],
    [9, 0, 150],
    [9, 1, 300],
    [50, 1, 300],
    [0, 0.5, 2],
  ])("receive %i with random %d waits %i s", (receiveCount, random, seconds) => {
    expect(handlerRetryDelay(receiveCount, () => random)).toBe(seconds);
  });

  it("stays within 2 s … 5 min for any receive count", () => {
    for (let count = 1; count <= 100; count++) {
      const delay = handlerRetryDelay(count);
      expect(delay).toBeGreaterThanOrEqual(2);
      expect(delay).toBeLessThanOrEqual(300);
    }
  });
});

describe("receiveBackoffMs", () => {
  it.each([
    // failures, random, ms
    [1, 0, 500],
    [1, 0.999, 1000],
    [3, 0, 2000],
    [5, 0.5, 12_000],
    [6, 0.999, 29_985],
    [40, 0, 15_000],
  ])("after %i failures with random %d waits %i ms", (failures, random, ms) => {
    expect(receiveBackoffMs(new Error("down"), failures, () => random)).toBe(ms);
  });

  it("waits at least as long as a throttle asks", () => {
    expect(receiveBackoffMs(new ThrottledError("slow down", 45_000), 1, () => 0)).toBe(45_000);
    expect(receiveBackoffMs(new ThrottledError("slow down", 10), 3, () => 0)).toBe(2000);
  });
});
