import { type PeriodicLoop, startPeriodicLoop } from "../time/periodic-loop.js";
import type { Timers } from "../time/timers.js";
import type { JobQueue } from "./job-queue.js";
import type { Logger } from "./logger.js";

/**
 * Keeps a held message invisible while it waits or is handled: every half visibility timeout the timeout
 * is set again from now, so a slow handler does not see its message delivered to someone else.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
 */
export class Heartbeat {
  readonly #loop: PeriodicLoop;

  constructor(options: {
    queue: Pick<JobQueue, "delay">;
    receiptHandle: string;
    visibilitySeconds: number;
    log: Logger;
    fields: object;
    timers?: Timers;
  }) {
    const { queue, receiptHandle, visibilitySeconds } = options;
    let warned = false;
    this.#loop = startPeriodicLoop({
      run: () => queue.delay(receiptHandle, visibilitySeconds),
      intervalMs: Math.max(100, (visibilitySeconds * 1000) / 2),
      onError(error) {
        if (warned) return;
        warned = true;
        options.log.warn(
          { ...options.fields, err: error },
          "could not extend visibility; the message may be delivered again",
        );
      },
      timers: options.timers,
    });
  }

  /** Stops beating and waits for a beat in progress, so it cannot land after the outcome. */
  async stop(): Promise<void> {
    await this.#loop.stop();
  }
}
