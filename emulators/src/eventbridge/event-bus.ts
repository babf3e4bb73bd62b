import { type EventPattern, matchesPattern } from "./event-pattern.js";
import { type SqsTarget, sendToQueue } from "./sqs-target.js";

/** A rule on the account's default bus: a pattern and the queues it delivers to. */
export interface EventRule {
  name: string;
  pattern: EventPattern;
  targets: SqsTarget[];
}

export interface EventBusStats {
  received: number;
  matched: number;
  delivered: number;
  retried: number;
  /** Refused by the target (a FIFO queue without content-based deduplication, say) or out of retries. */
  failed: number;
  lastFailure?: string;
}

export interface EventBus {
  /** What a source (the EC2 emulator's `onEvent`) hands over. */
  put(event: unknown): void;
  stats(): EventBusStats;
  /** Resolves when everything matched so far has been delivered, refused or given up. */
  drain(): Promise<void>;
  stop(): void;
}

/**
 * EventBridge's delivery to SQS as far as a consumer can observe it: at-least-once, asynchronous, in
 * batches of up to 10, retried with backoff on throttling and server errors (EventBridge retries for up
 * to 24 h; the emulator for `maxAttempts`), no ordering promise across batches.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html
 */
export function createEventBus(options: {
  rules: EventRule[];
  maxAttempts?: number;
  retryDelayMs?: number;
  fetch?: typeof fetch;
}): EventBus {
  const stats: EventBusStats = { received: 0, matched: 0, delivered: 0, retried: 0, failed: 0 };
  const pending = new Map<SqsTarget, { body: string; attempt: number }[]>();
  const inFlight = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const deliver = async (target: SqsTarget, batch: { body: string; attempt: number }[]) => {
    const outcome = await sendToQueue(
      target,
      batch.map((b) => b.body),
      options.fetch,
    );
    stats.delivered += outcome.delivered;
    for (const refused of outcome.refused) {
      stats.failed += 1;
      stats.lastFailure = refused.code;
    }
    for (const body of outcome.retry) {
      const attempt = (batch.find((b) => b.body === body)?.attempt ?? 1) + 1;
      if (attempt > (options.maxAttempts ?? 8)) {
        stats.failed += 1;
        stats.lastFailure = "retries exhausted";
        continue;
      }
      stats.retried += 1;
      const delay = (options.retryDelayMs ?? 100) * 2 ** (attempt - 2);
      const timer = setTimeout(() => {
        timers.delete(timer);
        enqueue(target, { body, attempt });
      }, delay);
      timer.unref();
      timers.add(timer);
    }
  };

  const flush = () => {
    for (const [target, queue] of pending) {
      pending.delete(target);
      for (let i = 0; i < queue.length; i += 10) {
        const job = deliver(target, queue.slice(i, i + 10)).finally(() => inFlight.delete(job));
        inFlight.add(job);
      }
    }
  };

  const enqueue = (target: SqsTarget, item: { body: string; attempt: number }) => {
    if (stopped) return;
    const queue = pending.get(target) ?? [];
    if (queue.length === 0 && pending.size === 0) setImmediate(flush);
    queue.push(item);
    pending.set(target, queue);
  };

  return {
    put(event) {
      stats.received += 1;
      for (const rule of options.rules) {
        if (!matchesPattern(rule.pattern, event)) continue;
        stats.matched += 1;
        for (const target of rule.targets) enqueue(target, { body: JSON.stringify(event), attempt: 1 });
      }
    },
    stats: () => ({ ...stats }),
    async drain() {
      while (pending.size > 0 || inFlight.size > 0 || timers.size > 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      pending.clear();
    },
  };
}
