/**
 * The per-pool spot circuit breaker (issue 14; RunsOn's defaults): `k` interruptions within `windowMs`
 * open it, and for `openMs` after the interruption that opened it the pool launches on on-demand. It
 * closes by itself. Pure over the interruption times, which each replica reads from EC2 (interrupted
 * instances stay listed, with their tag and state reason, for about an hour after they terminate), so
 * replicas agree without a store as long as windowMs + openMs stays within that hour.
 */
export interface BreakerSettings {
  k: number;
  windowMs: number;
  openMs: number;
}

export const DEFAULT_BREAKER: BreakerSettings = { k: 2, windowMs: 15 * 60_000, openMs: 30 * 60_000 };

export type BreakerState =
  | { state: "closed"; reason: string }
  | { state: "open"; openedAt: number; until: number; reason: string };

export function spotBreaker(
  now: number,
  interruptions: readonly number[],
  settings: BreakerSettings,
): BreakerState {
  const times = interruptions.filter((t) => t <= now).sort((a, b) => a - b);
  const k = Math.max(1, Math.floor(settings.k));
  let openedAt: number | undefined;
  for (let i = k - 1; i < times.length; i++) {
    const first = times[i - k + 1] as number;
    const last = times[i] as number;
    if (last - first <= settings.windowMs) openedAt = last;
  }
  const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;
  if (openedAt !== undefined && now < openedAt + settings.openMs) {
    return {
      state: "open",
      openedAt,
      until: openedAt + settings.openMs,
      reason: `${k} spot interruptions within ${minutes(settings.windowMs)}: on-demand for ${minutes(settings.openMs)}`,
    };
  }
  const recent = times.filter((t) => now - t <= settings.windowMs).length;
  return {
    state: "closed",
    reason: `${recent} of ${k} interruptions in the last ${minutes(settings.windowMs)}`,
  };
}
