import { Batcher } from "../time/batcher.js";

/**
 * Single calls that arrive together, coalesced into batch calls of at most `maxSize` (SQS's batch
 * actions take 10 entries), each caller settled by its own entry. Nothing waits for company: the batch
 * goes out on the next turn of the event loop, so a lone call pays well under a millisecond and, under
 * load, every call made in the same turn (a burst of webhooks read together) shares one request. Fewer
 * requests is what keeps the intake answering under load: every SDK call costs CPU to build, sign and
 * parse (issue 15).
 *
 * `send` answers one entry per item, in order: undefined when that item succeeded, else its error; a
 * throw fails every item of the batch (nothing of it is known to have been accepted).
 */
export function coalesce<T>(options: {
  maxSize: number;
  send(batch: T[]): Promise<ReadonlyArray<Error | undefined>>;
}): (item: T) => Promise<void> {
  const batcher = new Batcher<{ item: T; failure?: Error }>({
    maxSize: options.maxSize,
    windowMs: 0,
    async send(batch) {
      const failures = await options.send(batch.map((b) => b.item));
      batch.forEach((b, i) => {
        b.failure = failures[i];
      });
    },
  });
  return async (item) => {
    const entry: { item: T; failure?: Error } = { item };
    await batcher.add(entry);
    if (entry.failure) throw entry.failure;
  };
}
