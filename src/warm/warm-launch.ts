import { createHash } from "node:crypto";
import type { Fleet, LaunchedInstance } from "../aws/fleet.js";
import { runnerUserData } from "../bootstrap/runner-user-data.js";
import type { TokenIssuer } from "../bootstrap/token.js";
import { launchAttempts } from "../domain/launch-attempts.js";
import type { WarmRole } from "../domain/plan-warm.js";
import { TAG } from "../domain/tags.js";
import { CapacityError } from "../errors.js";
import type { OrgRef } from "../github/runners.js";
import type { Pool } from "../pool-file.js";
import { renderWarmUpUserData } from "./warm-up-user-data.js";

/** A ClientToken stays the same for this long, so replicas that see the same pool launch once. */
const TOKEN_WINDOW_MS = 10 * 60_000;

export interface WarmLaunchDeps {
  fleet: Fleet;
  tokens: TokenIssuer;
  publicUrl: string;
  deploymentId: string;
}

/**
 * What a warm launch's ClientToken is derived from: replicas that see the same pool in the same window
 * launch once. The same observation can come back, though (the instance that launch made is gone again),
 * so a process that already spent a key passes a `salt` (how often it did) for a new token.
 */
export function warmLaunchKey(
  pool: Pool,
  ref: OrgRef,
  role: WarmRole,
  known: readonly string[],
  now: number,
): string {
  return `warm|${pool.name}|${ref.org}|${role}|${[...known].sort().join(",")}|${Math.floor(now / TOKEN_WINDOW_MS)}`;
}

/**
 * Launches `count` warm instances of a role. Hot ones are ordinary runner launches (a one-time token,
 * enrolment at boot, the pool's runner group and policy) that idle until GitHub gives them a job; their
 * watchdog allows the warm maximum age plus one job. Stopped ones boot once with warm-up user data and
 * shutdown behaviour `stop`, on-demand only (one-time spot cannot be stopped, reference/wave2-facts.md).
 * The ClientToken comes from what was observed (`known`: the role's instance ids), so two replicas acting
 * on the same observation launch once, and a later pass that saw the launch asks with another token.
 */
export async function launchWarm(
  deps: WarmLaunchDeps,
  pool: Pool,
  ref: OrgRef,
  role: WarmRole,
  count: number,
  known: readonly string[],
  now: number,
  salt = 0,
): Promise<LaunchedInstance[]> {
  if (!pool.warm || count <= 0) return [];
  const key = warmLaunchKey(pool, ref, role, known, now);
  const launchId = createHash("sha256")
    .update(salt > 0 ? `${key}|${salt}` : key)
    .digest("hex")
    .slice(0, 32);
  const userData =
    role === "stopped"
      ? renderWarmUpUserData({ pool: pool.name })
      : await runnerUserData(
          deps,
          pool,
          ref,
          launchId,
          pool.timeouts.boot + pool.warm.maxAge + pool.timeouts.job,
        );
  const tags = {
    [TAG.managedBy]: deps.deploymentId,
    [TAG.pool]: pool.name,
    [TAG.org]: ref.org,
    [TAG.launch]: launchId,
    [TAG.warm]: role,
    [TAG.name]: `mayfly-${pool.name}-${role}`,
  };
  const attempts = launchAttempts(pool, now).filter((a) => role === "hot" || a.market === "on-demand");
  let lastError: Error = new CapacityError(
    `pool ${pool.name} has no on-demand market for stopped instances`,
    "NoOnDemand",
  );
  for (const [index, attempt] of attempts.entries()) {
    try {
      return await deps.fleet.launch({
        pool,
        ...attempt,
        count,
        // One token per fallback, as the scaler's launcher does: each attempt has other parameters.
        clientToken: `warm-${launchId}-${index}`,
        userData,
        tags,
        ...(role === "stopped" ? { shutdownBehaviour: "stop" as const } : {}),
      });
    } catch (error) {
      if (!(error instanceof CapacityError)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}
