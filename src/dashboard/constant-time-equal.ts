import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares secrets in constant time. Both sides are hashed first so that neither the content nor the
 * length of the expected value leaks through timing (timingSafeEqual itself throws on unequal lengths).
 */
export function constantTimeEqual(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}
