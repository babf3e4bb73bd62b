import { z } from "zod";
import type { BreakerSettings } from "./domain/spot-breaker.js";
import { durationSeconds, formatSeconds } from "./duration.js";

/**
 * The pool file's `spot` key (issue 14): the pool's spot circuit breaker. `interruptions` warnings within
 * `within` switch the pool to on-demand for `openFor` (defaults: RunsOn's 2 in 15 min → 30 min). The
 * breaker reads interruption times from EC2's tags, and EC2 lists a terminated instance for about an hour
 * (ADR 0015), so `within + openFor` may not exceed one hour: past it the breaker would close early.
 */
const RETENTION_SECONDS = 3600;

export const DEFAULT_BREAKER_FILE = { interruptions: 2, within: 900, openFor: 1800 } as const;

const breakerSchema = z
  .strictObject({
    interruptions: z.number().int().min(1).max(100).default(DEFAULT_BREAKER_FILE.interruptions),
    within: durationSeconds(60, RETENTION_SECONDS).default(DEFAULT_BREAKER_FILE.within),
    openFor: durationSeconds(60, RETENTION_SECONDS).default(DEFAULT_BREAKER_FILE.openFor),
  })
  .superRefine((b, ctx) => {
    if (b.within + b.openFor <= RETENTION_SECONDS) return;
    ctx.addIssue({
      code: "custom",
      path: ["openFor"],
      message: `within (${formatSeconds(b.within)}) + openFor (${formatSeconds(b.openFor)}) is more than 1h, the time EC2 keeps a terminated instance listed (where the breaker reads interruptions)`,
    });
  });

export const spotSchema = z.strictObject({
  breaker: breakerSchema.default(DEFAULT_BREAKER_FILE),
});

export type SpotSettings = z.infer<typeof spotSchema>;

/** The breaker's settings for a pool: its `spot.breaker`, else the defaults. */
export function breakerSettingsOf(pool: { spot?: SpotSettings }): BreakerSettings {
  const b = pool.spot?.breaker ?? DEFAULT_BREAKER_FILE;
  return { k: b.interruptions, windowMs: b.within * 1000, openMs: b.openFor * 1000 };
}
