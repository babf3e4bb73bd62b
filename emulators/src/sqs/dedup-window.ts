/**
 * FIFO deduplication: a MessageDeduplicationId seen within the last 5 minutes is accepted but not
 * enqueued again, and the answer names the original message.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/using-messagededuplicationid-property.html
 */
export const DEDUP_WINDOW_MS = 5 * 60_000;

export class DedupWindow<T> {
  readonly #seen = new Map<string, { value: T; at: number }>();

  get(key: string, now: number): T | undefined {
    this.#expire(now);
    return this.#seen.get(key)?.value;
  }

  remember(key: string, value: T, now: number): void {
    this.#seen.set(key, { value, at: now });
  }

  #expire(now: number): void {
    for (const [key, entry] of this.#seen) if (now - entry.at >= DEDUP_WINDOW_MS) this.#seen.delete(key);
  }
}
