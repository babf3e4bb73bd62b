import type { JobQueue } from "./job-queue.js";
import type { Logger } from "./logger.js";

/**
 * Collects acks and deletes them in one call per 10 handles or per ~20 ms, whichever comes first, to save
 * API calls (DeleteMessageBatch takes 10). A failed ack is only logged: the message comes back after its
 * visibility timeout and handlers are idempotent.
 */
export class AckBatcher {
  readonly #queue: JobQueue;
  readonly #log: Logger;
  readonly #fields: object;
  readonly #maxWaitMs: number;
  #pending: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #flushing = new Set<Promise<void>>();

  constructor(options: { queue: JobQueue; log: Logger; fields?: object; maxWaitMs?: number }) {
    this.#queue = options.queue;
    this.#log = options.log;
    this.#fields = options.fields ?? {};
    this.#maxWaitMs = options.maxWaitMs ?? 20;
  }

  add(receiptHandle: string): void {
    this.#pending.push(receiptHandle);
    if (this.#pending.length >= 10) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), this.#maxWaitMs);
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending.splice(0);
    if (batch.length === 0) return;
    const sending = this.#send(batch).finally(() => this.#flushing.delete(sending));
    this.#flushing.add(sending);
  }

  /** Sends what is pending and waits for every ack in progress. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.all([...this.#flushing]);
  }

  async #send(batch: string[]): Promise<void> {
    try {
      const { failed } = await this.#queue.ack(batch);
      if (failed.length > 0) {
        this.#log.warn(
          { ...this.#fields, failed: failed.length, of: batch.length },
          "some acks failed; those messages will be redelivered",
        );
      }
    } catch (error) {
      this.#log.warn(
        { ...this.#fields, err: error, of: batch.length },
        "ack failed; the messages will be redelivered",
      );
    }
  }
}
