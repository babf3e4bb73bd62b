import { realTimers, type TimerHandle, type Timers } from "./timers.js";

export interface BatcherOptions<T> {
  /** Sends one batch. Each `add` of the batch settles with it: resolved, or rejected with its error. */
  send(batch: T[]): Promise<void>;
  /** A batch this large goes out at once (DeleteMessageBatch takes 10, TerminateInstances 1,000). */
  maxSize: number;
  /** After a quiet spell the first item waits this long, so items that arrive together share a call. */
  windowMs: number;
  /** While items keep coming, at most one send per this interval (0: no spacing). */
  spacingMs?: number;
  timers?: Timers;
}

/**
 * The one batcher: coalesces items into calls of at most `maxSize`, each going out `windowMs` after its
 * first item, or `spacingMs` after the previous send if that is later, or at once when full. Sends may
 * overlap; `drain` sends what is pending and waits for every send in progress.
 */
export class Batcher<T> {
  readonly #options: BatcherOptions<T>;
  readonly #timers: Timers;
  #pending: Array<{ item: T; settle: Settle }> = [];
  #timer: TimerHandle | undefined;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  readonly #sending = new Set<Promise<void>>();

  constructor(options: BatcherOptions<T>) {
    this.#options = options;
    this.#timers = options.timers ?? realTimers;
  }

  /** Queues an item; the promise settles when the batch carrying it has been sent. */
  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ item, settle: { resolve, reject } });
      if (this.#pending.length >= this.#options.maxSize) this.flush();
      else if (!this.#timer) {
        const spacing = this.#options.spacingMs ?? 0;
        const delay = Math.max(this.#options.windowMs, this.#lastSentAt + spacing - this.#timers.now());
        this.#timer = this.#timers.setTimeout(() => this.flush(), delay);
      }
    });
  }

  get pending(): number {
    return this.#pending.length;
  }

  /** Sends everything pending now, in batches of at most `maxSize`. */
  flush(): void {
    this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#options.maxSize);
      this.#lastSentAt = this.#timers.now();
      const sending = this.#send(batch).finally(() => this.#sending.delete(sending));
      this.#sending.add(sending);
    }
  }

  async drain(): Promise<void> {
    this.flush();
    await Promise.all([...this.#sending]);
  }

  async #send(batch: Array<{ item: T; settle: Settle }>): Promise<void> {
    try {
      await this.#options.send(batch.map((b) => b.item));
      for (const b of batch) b.settle.resolve();
    } catch (error) {
      for (const b of batch) b.settle.reject(error);
    }
  }
}

interface Settle {
  resolve: () => void;
  reject: (error: unknown) => void;
}
