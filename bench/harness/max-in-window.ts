/**
 * The most events that fall in any window of `windowMs` (closed at the start, open at the end), e.g. the
 * peak JIT configs in any 60 s, to hold against GitHub's per-minute ceiling.
 */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
