import { Batcher } from "../time/batcher.js";
import type { Timers } from "../time/timers.js";
import type { JobQueue } from "./job-queue.js";
import type { Logger } from "./logger.js";

/**
 * Collects acks and deletes them in one call per 10 handles or per ~20 ms, whichever comes first, to save
 * API calls (DeleteMessageBatch takes 10). A failed ack is only logged: the message comes back after its
 * visibility timeout and handlers are idempotent.
 */
export class AckBatcher {
  readonly #batcher: Batcher<string>;

  constructor(options: {
    queue: Pick<JobQueue, "ack">;
    log: Logger;
    fields?: object;
    maxWaitMs?: number;
    timers?: Timers;
  }) {
    const { queue, log } = options;
    const fields = options.fields ?? {};
    this.#batcher = new Batcher({
      maxSize: 10,
      windowMs: options.maxWaitMs ?? 20,
      timers: options.timers,
      async send(batch) {
        try {
          const { failed } = await queue.ack(batch);
          if (failed.length > 0) {
            log.warn(
              { ...fields, failed: failed.length, of: batch.length },
              "some acks failed; those messages will be redelivered",
            );
          }
        } catch (error) {
          log.warn(
            { ...fields, err: error, of: batch.length },
            "ack failed; the messages will be redelivered",
          );
        }
      },
    });
  }

  add(receiptHandle: string): void {
    // `send` never throws, so the batch's promise only resolves.
    void this.#batcher.add(receiptHandle);
  }

  /** Sends what is pending and waits for every ack in progress. */
  async drain(): Promise<void> {
    await this.#batcher.drain();
  }
}
