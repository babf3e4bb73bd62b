import type { Fleet } from "../aws/fleet.js";

/**
 * Coalesces terminations into TerminateInstances calls (up to 1,000 ids each; its request bucket is 100
 * refilling 5/s, its instance bucket 1,000 refilling 20/s). A termination after a quiet spell goes out
 * after `windowMs`, so completions that arrive together share it; while calls keep coming, at most one
 * goes out per `spacingMs`, carrying everything asked for since. At a steady 160 completions a minute
 * (GitHub's ceiling for issuing runners) that is one call per two seconds, not one per job.
 */
export function createTerminator(options: { fleet: Fleet; windowMs?: number; spacingMs?: number }) {
  const windowMs = options.windowMs ?? 50;
  const spacingMs = options.spacingMs ?? 2_000;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let batch:
    | { ids: Set<string>; waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> }
    | undefined;

  async function flush(current: NonNullable<typeof batch>) {
    lastSentAt = Date.now();
    try {
      await options.fleet.terminate([...current.ids]);
      for (const w of current.waiters) w.resolve();
    } catch (error) {
      for (const w of current.waiters) w.reject(error);
    }
  }

  return {
    terminate(instanceIds: readonly string[]): Promise<void> {
      if (instanceIds.length === 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        if (!batch) {
          const current = { ids: new Set<string>(), waiters: [] as NonNullable<typeof batch>["waiters"] };
          batch = current;
          const delay = Math.max(windowMs, lastSentAt + spacingMs - Date.now());
          setTimeout(() => {
            batch = undefined;
            void flush(current);
          }, delay);
        }
        for (const id of instanceIds) batch.ids.add(id);
        batch.waiters.push({ resolve, reject });
      });
    },
  };
}
export type Terminator = ReturnType<typeof createTerminator>;
