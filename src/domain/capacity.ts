export interface CapacityInput {
  /** The pool's cap on runners at once. */
  maxRunners: number;
  /** The pool's instances that count against the cap now (pending or running). */
  live: number;
  /** Runners the queued jobs ask for. */
  requested: number;
}

export interface CapacityPlan {
  launch: number;
  /** Requests left for later: the scaler delays their messages and retries, never drops them. */
  wait: number;
  reason: string;
}

/**
 * How many of the requested runners fit under the pool's cap. A pool already over its cap (the admin
 * lowered `maxRunners`) launches nothing until enough runners finish. Inputs are counts: fractions round
 * down and negatives count as zero.
 */
export function planCapacity(input: CapacityInput): CapacityPlan {
  const max = count(input.maxRunners);
  const live = count(input.live);
  const requested = count(input.requested);
  const room = Math.max(0, max - live);
  const launch = Math.min(requested, room);
  const wait = requested - launch;
  const state = `${live} live of max ${max}`;
  if (requested === 0) return { launch, wait, reason: `nothing requested (${state})` };
  if (wait === 0) return { launch, wait, reason: `${state}; launching ${launch}` };
  if (launch === 0) return { launch, wait, reason: `at capacity: ${state}; ${wait} wait` };
  return { launch, wait, reason: `${state}; launching ${launch}, ${wait} wait for room` };
}

function count(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}
