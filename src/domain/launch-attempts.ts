import type { Market } from "../aws/fleet.js";
import type { Pool } from "../pool-file.js";

export interface LaunchAttempt {
  market: Market;
  instanceType: string;
  subnetId: string;
}

const MARKETS = {
  spot: ["spot"],
  "on-demand": ["on-demand"],
  "spot-then-on-demand": ["spot", "on-demand"],
} as const satisfies Record<Pool["market"], readonly Market[]>;

/**
 * The ordered fallbacks the scaler walks on capacity errors: every spot attempt before any on-demand one
 * (spot is the cheaper market), instance types in the admin's order, and for each type every subnet.
 * Subnets start at `rotation % subnets.length` so successive launches spread across availability zones,
 * as AWS advises for spot capacity:
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-best-practices.html
 * `onDemandOnly` (a re-run after an interruption, or the pool's spot breaker is open; ADR 0015) launches
 * on on-demand whatever the pool's market.
 */
export function launchAttempts(
  pool: Pool,
  rotation: number,
  options: { onDemandOnly?: boolean } = {},
): LaunchAttempt[] {
  const subnets = pool.subnets;
  const turn = Number.isFinite(rotation) ? Math.trunc(rotation) : 0;
  const start = subnets.length === 0 ? 0 : modulo(turn, subnets.length);
  const rotated = [...subnets.slice(start), ...subnets.slice(0, start)];
  const markets: readonly Market[] = options.onDemandOnly ? ["on-demand"] : MARKETS[pool.market];
  return markets.flatMap((market) =>
    pool.instanceTypes.flatMap((instanceType) =>
      rotated.map((subnetId) => ({ market, instanceType, subnetId })),
    ),
  );
}

/** A remainder that is never negative, so a counter that wrapped still picks a subnet. */
function modulo(n: number, m: number): number {
  return ((n % m) + m) % m;
}
