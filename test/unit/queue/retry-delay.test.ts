import { describe, expect, it } from "vitest";
import { exponentialRetryDelay } from "../../../src/queue/retry-delay.js";

describe("exponentialRetryDelay", () => {
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
    expect(exponentialRetryDelay(receiveCount, () => random)).toBe(seconds);
  });

  it("stays within 2 s … 5 min for any receive count", () => {
    for (let count = 1; count <= 100; count++) {
      const delay = exponentialRetryDelay(count);
      expect(delay).toBeGreaterThanOrEqual(2);
      expect(delay).toBeLessThanOrEqual(300);
    }
  });
});
