/**
 * How long a message waits after its handler threw: exponential in the receive count, 2 s to 5 min,
 * with "equal jitter" (half fixed, half random) so a burst of failures does not come back in lockstep.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function exponentialRetryDelay(receiveCount: number, random: () => number = Math.random): number {
  const ceiling = Math.min(300, 2 * 2 ** Math.max(0, receiveCount - 1));
  return Math.min(300, Math.max(2, Math.round(ceiling / 2 + (random() * ceiling) / 2)));
}
