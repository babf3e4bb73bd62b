import type { Fleet } from "../aws/fleet.js";
import type { WarmFleet } from "../aws/warm-fleet.js";
import type { TokenIssuer } from "../bootstrap/token.js";
import { renderUserData } from "../bootstrap/user-data.js";
import { TAG } from "../domain/tags.js";
import type { OrgRef } from "../github/runners.js";
import type { Pool } from "../pool-file.js";

export interface StoppedClaimDeps {
  fleet: Pick<Fleet, "list">;
  warm: WarmFleet;
  tokens: TokenIssuer;
  publicUrl: string;
  now?: () => number;
}

/**
 * Starts up to `count` of a pool's stopped instances for queued jobs (ADR 0014). Each claim, in order:
 * remove the `mayfly:warm` tag (the warm loop stops counting it, and replaces it); write new user data
 * with a fresh one-time token, bound to the instance's own launch tag and valid for the boot timeout
 * from now (EC2 accepts this only while the instance is stopped, so one another replica already started
 * is skipped); set shutdown to `terminate`, so the job's power-off destroys it like every runner; then
 * one StartInstances for all of them. The start regenerates the identity document, so its pendingTime
 * falls in the new token's boot window. Returns the ids started; the rest of the jobs go cold.
 */
export function createStoppedClaimer(deps: StoppedClaimDeps) {
  const now = deps.now ?? Date.now;
  /** Ids this process is claiming now: two scale messages in one process never take the same one. */
  const inFlight = new Set<string>();

  return async function claimStopped(pool: Pool, ref: OrgRef, count: number): Promise<string[]> {
    if (!pool.warm || count <= 0) return [];
    const maxAgeMs = pool.warm.maxAge * 1000;
    const candidates = (await deps.fleet.list({ states: ["stopped"] }))
      .filter(
        (i) =>
          i.tags[TAG.pool] === pool.name &&
          i.tags[TAG.org]?.toLowerCase() === ref.org.toLowerCase() &&
          i.tags[TAG.warm] === "stopped" &&
          i.tags[TAG.launch] !== undefined &&
          now() - i.launchedAt <= maxAgeMs &&
          !inFlight.has(i.instanceId),
      )
      .sort((a, b) => a.launchedAt - b.launchedAt)
      .slice(0, count);
    for (const i of candidates) inFlight.add(i.instanceId);
    try {
      const ready: string[] = [];
      for (const instance of candidates) {
        await deps.warm.untag(instance.instanceId, TAG.warm);
        const token = await deps.tokens.issue({
          pool: pool.name,
          org: ref.org,
          installation: ref.installationId,
          launch: instance.tags[TAG.launch] as string,
          ttlSeconds: pool.timeouts.boot,
        });
        const userData = renderUserData({
          appUrl: deps.publicUrl,
          token,
          pool: pool.name,
          maxLifetimeSeconds: pool.timeouts.boot + pool.timeouts.idle + pool.timeouts.job,
          bootTimeoutSeconds: pool.timeouts.boot,
        });
        if ((await deps.warm.setUserData(instance.instanceId, userData)) !== "set") continue;
        await deps.warm.setShutdownBehaviour(instance.instanceId, "terminate");
        ready.push(instance.instanceId);
      }
      if (ready.length > 0) await deps.warm.start(ready);
      return ready;
    } finally {
      for (const i of candidates) inFlight.delete(i.instanceId);
    }
  };
}
export type ClaimStopped = ReturnType<typeof createStoppedClaimer>;
