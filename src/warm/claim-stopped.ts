import type { Fleet } from "../aws/fleet.js";
import type { WarmFleet } from "../aws/warm-fleet.js";
import { runnerUserData } from "../bootstrap/runner-user-data.js";
import type { TokenIssuer } from "../bootstrap/token.js";
import { jobTags } from "../domain/job-tags.js";
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

/** A stopped instance this call started for a job. */
export interface StoppedClaim {
  instanceId: string;
  /** Its `mayfly:launch` tag (the launch its token is bound to). */
  launch: string;
}

/** At most this many stopped instances are tried for one job before it goes cold. */
const MAX_TRIES = 3;

/**
 * Starts one of a pool's stopped instances for a queued job (ADR 0014). Per candidate: remove
 * the `mayfly:warm` tag (the warm loop stops counting it, and replaces it); write new user data with a
 * fresh one-time token, bound to the instance's own launch tag and valid for the boot timeout from now
 * (EC2 accepts this only while the instance is stopped, so one another replica already started is
 * skipped); set shutdown to `terminate`, so the job's power-off destroys it like every runner; then
 * StartInstances. The start is the conditional step: EC2 moves an instance out of `stopped` once, and
 * only the call whose PreviousState was `stopped` owns it; a replica that lost the race tries the next
 * candidate (up to 3), then the job goes cold. The winner tags the instance with the job (`mayfly:jobs`)
 * so every replica counts it as the job's launch. The start regenerates the identity document, so its
 * pendingTime falls in the new token's boot window. Undefined when no claim won.
 */
export function createStoppedClaimer(deps: StoppedClaimDeps) {
  const now = deps.now ?? Date.now;
  /** Ids this process is claiming now: two scale messages in one process never try the same one. */
  const inFlight = new Set<string>();

  return async function claimStopped(
    pool: Pool,
    ref: OrgRef,
    jobId: number,
  ): Promise<StoppedClaim | undefined> {
    if (!pool.warm) return undefined;
    const maxAgeMs = pool.warm.maxAge * 1000;
    const all = (await deps.fleet.list({ states: ["stopped"] }))
      .filter(
        (i) =>
          i.tags[TAG.pool] === pool.name &&
          i.tags[TAG.org]?.toLowerCase() === ref.org.toLowerCase() &&
          i.tags[TAG.warm] === "stopped" &&
          i.tags[TAG.launch] !== undefined &&
          now() - i.launchedAt <= maxAgeMs &&
          !inFlight.has(i.instanceId),
      )
      .sort((a, b) => a.launchedAt - b.launchedAt || (a.instanceId < b.instanceId ? -1 : 1));
    // Jobs handled by other replicas at the same moment start from different instances (by job id), so
    // a burst over two replicas rarely contends; contention is safe, only slower.
    const offset = all.length === 0 ? 0 : jobId % all.length;
    const candidates = [...all.slice(offset), ...all.slice(0, offset)].slice(0, MAX_TRIES);
    for (const instance of candidates) {
      inFlight.add(instance.instanceId);
      try {
        const launch = instance.tags[TAG.launch] as string;
        await deps.warm.untag(instance.instanceId, TAG.warm);
        const userData = await runnerUserData(deps, pool, ref, launch);
        if ((await deps.warm.setUserData(instance.instanceId, userData)) !== "set") continue;
        await deps.warm.setShutdownBehaviour(instance.instanceId, "terminate");
        const started = await deps.warm.start([instance.instanceId]);
        if (!started.includes(instance.instanceId)) continue; // Another replica's start won.
        // Failing to tag loses no job: it started, and this process counts it (noteLaunched) meanwhile.
        await deps.warm.tag(instance.instanceId, jobTags([jobId])).catch(() => undefined);
        return { instanceId: instance.instanceId, launch };
      } finally {
        inFlight.delete(instance.instanceId);
      }
    }
    return undefined;
  };
}
export type ClaimStopped = ReturnType<typeof createStoppedClaimer>;
