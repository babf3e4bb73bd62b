import { defaultBurstPoints } from "./endpoint-budget.js";

/**
 * What one replica may spend of GitHub's ceilings when N replicas call GitHub with the same App identities
 * (docs/adr/0013-github-budget-across-replicas-and-apps.md): each takes 1/N of the rate and of the burst,
 * so the sum over replicas keeps the single-process invariant "burst + a window's refill ≤ the limit".
 * Where 1/N of the burst is less than one call, the replica keeps one call of burst and gives up rate.
 */

export interface WriteShare {
  pointsPerMinute: number;
  burstPoints: number;
}

/** GitHub: 900 points a minute per endpoint, a write costs 5. */
const ENDPOINT_POINTS_PER_MINUTE = 900;
const WRITE_POINTS = 5;

/** Each replica's share of one App identity's write budget on one endpoint. */
export function writeShare(pointsPerMinute: number, replicas: number): WriteShare {
  const burst = Math.max(WRITE_POINTS, defaultBurstPoints(pointsPerMinute) / replicas);
  const rate = Math.min(pointsPerMinute / replicas, ENDPOINT_POINTS_PER_MINUTE / replicas - burst);
  return { pointsPerMinute: Math.max(WRITE_POINTS, rate), burstPoints: burst };
}

export interface RegistrationShare {
  perMinute: number;
  burst: number;
}

/**
 * Each replica's share of the org's runner-registration limit ("1500 runners / 5 minutes /
 * repository/org/enterprise", https://docs.github.com/en/actions/reference/limits). Over all replicas the
 * burst is a thirtieth of the limit and the rate what the rest allows in 5 minutes: 50 at once and 290
 * a minute for 1,500, so no 5-minute window can pass 1,500 (50 + 5 × 290).
 */
export function registrationShare(per5Minutes: number, replicas: number): RegistrationShare {
  const burst = Math.max(1, Math.floor(per5Minutes / 30) / replicas);
  return { perMinute: (per5Minutes - burst * replicas) / 5 / replicas, burst };
}
