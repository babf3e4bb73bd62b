import type { Fleet } from "../aws/fleet.js";

/**
 * Coalesces terminations: completions that arrive together share one TerminateInstances call (up to
 * 1,000 ids; its request bucket is 100 refilling 5/s, its instance bucket 1,000 refilling 20/s).
 */
export function createTerminator(options: { fleet: Fleet; windowMs?: number }) {
  const windowMs = options.windowMs ?? 200;
  let batch:
    | { ids: Set<string>; waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> }
    | undefined;

  async function flush(current: NonNullable<typeof batch>) {
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
          setTimeout(() => {
            batch = undefined;
            void flush(current);
          }, windowMs);
        }
        for (const id of instanceIds) batch.ids.add(id);
        batch.waiters.push({ resolve, reject });
      });
    },
  };
}
export type Terminator = ReturnType<typeof createTerminator>;
