import type { Fleet } from "../aws/fleet.js";
import { Batcher } from "../time/batcher.js";
import type { Timers } from "../time/timers.js";

/** Asks for instances to be terminated; resolves once the call carrying them has been answered. */
export interface Terminator {
  terminate(instanceIds: readonly string[]): Promise<void>;
}

/**
 * Coalesces terminations into TerminateInstances calls (up to 1,000 ids each; its request bucket is 100
 * refilling 5/s, its instance bucket 1,000 refilling 20/s). A termination after a quiet spell goes out
 * after `windowMs`, so completions that arrive together share it; while calls keep coming, at most one
 * goes out per `spacingMs`, carrying everything asked for since. At a steady 160 completions a minute
 * (GitHub's ceiling for issuing runners) that is one call per two seconds, not one per job.
 */
export function createTerminator(options: {
  fleet: Pick<Fleet, "terminate">;
  windowMs?: number;
  spacingMs?: number;
  timers?: Timers;
}): Terminator {
  const batcher = new Batcher<string>({
    // The same instance asked for twice (a completion and a sweep) goes in the call once.
    send: (ids) => options.fleet.terminate([...new Set(ids)]),
    maxSize: 1_000,
    windowMs: options.windowMs ?? 50,
    spacingMs: options.spacingMs ?? 2_000,
    timers: options.timers,
  });
  return {
    async terminate(instanceIds) {
      await Promise.all(instanceIds.map((id) => batcher.add(id)));
    },
  };
}
