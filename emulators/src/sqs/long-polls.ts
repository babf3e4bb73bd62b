/**
 * ReceiveMessage long polls waiting on one queue. A poll ends as soon as its attempt yields messages
 * (SQS returns once at least one message is available), at its deadline (empty), when the client goes
 * away, or when the emulator stops. Besides explicit wake-ups after sends, deletes and visibility changes,
 * each poll re-checks when the next delay or visibility timeout in the queue ends. Deadlines use the real
 * clock (a poll is an HTTP request in flight); message timings use the queue's injectable clock.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html
 */

interface Poll<T> {
  attempt: () => T[];
  until: number;
  resolve: (items: T[]) => void;
  timer?: NodeJS.Timeout;
  onAbort?: () => void;
  signal?: AbortSignal;
}

export class LongPolls<T> {
  readonly #polls = new Set<Poll<T>>();
  readonly #now: () => number;
  readonly #nextChangeAt: () => number | undefined;

  constructor(now: () => number, nextChangeAt: () => number | undefined) {
    this.#now = now;
    this.#nextChangeAt = nextChangeAt;
  }

  get size(): number {
    return this.#polls.size;
  }

  wait(attempt: () => T[], waitMs: number, signal?: AbortSignal): Promise<T[]> {
    return new Promise((resolve) => {
      const poll: Poll<T> = { attempt, until: performance.now() + waitMs, resolve, signal };
      if (signal?.aborted) return resolve([]);
      poll.onAbort = () => this.#finish(poll, []);
      signal?.addEventListener("abort", poll.onAbort, { once: true });
      this.#polls.add(poll);
      this.#schedule(poll);
    });
  }

  /**
   * Something changed in the queue: let waiting polls try again, oldest first, and re-time the rest (a
   * visibility timeout may now end sooner than the one they were waiting for).
   */
  wake(): void {
    for (const poll of [...this.#polls]) {
      const items = poll.attempt();
      if (items.length > 0) this.#finish(poll, items);
      else {
        clearTimeout(poll.timer);
        this.#schedule(poll);
      }
    }
  }

  /** Ends every poll empty (emulator stopping or queue deleted). */
  endAll(): void {
    for (const poll of [...this.#polls]) this.#finish(poll, []);
  }

  #schedule(poll: Poll<T>): void {
    const untilDeadline = poll.until - performance.now();
    const untilChange = (this.#nextChangeAt() ?? Number.POSITIVE_INFINITY) - this.#now();
    poll.timer = setTimeout(() => this.#onTimer(poll), Math.max(5, Math.min(untilDeadline, untilChange)));
    poll.timer.unref();
  }

  #onTimer(poll: Poll<T>): void {
    const items = poll.attempt();
    if (items.length > 0 || performance.now() >= poll.until) this.#finish(poll, items);
    else this.#schedule(poll);
  }

  #finish(poll: Poll<T>, items: T[]): void {
    if (!this.#polls.delete(poll)) return;
    clearTimeout(poll.timer);
    if (poll.onAbort) poll.signal?.removeEventListener("abort", poll.onAbort);
    poll.resolve(items);
  }
}
