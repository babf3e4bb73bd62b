import type { JobQueue } from "./job-queue.js";
import type { Logger } from "./logger.js";

/**
 * Keeps a held message invisible while it waits or is handled: every half visibility timeout the timeout
 * is set again from now, so a slow handler does not see its message delivered to someone else.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
 */
export class Heartbeat {
  readonly #timer: NodeJS.Timeout;
  #beating: Promise<void> = Promise.resolve();
  #warned = false;

  constructor(
    queue: JobQueue,
    receiptHandle: string,
    visibilitySeconds: number,
    log: Logger,
    fields: object,
  ) {
    const everyMs = Math.max(100, (visibilitySeconds * 1000) / 2);
    this.#timer = setInterval(() => {
      this.#beating = queue.delay(receiptHandle, visibilitySeconds).catch((error: unknown) => {
        if (this.#warned) return;
        this.#warned = true;
        log.warn(
          { ...fields, err: error },
          "could not extend visibility; the message may be delivered again",
        );
      });
    }, everyMs);
    this.#timer.unref();
  }

  /** Stops beating and waits for a beat in progress, so it cannot land after the outcome. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#beating;
  }
}
