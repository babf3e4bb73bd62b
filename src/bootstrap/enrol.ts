import { runnerNameOf } from "../domain/runner-name.js";
import { TAG } from "../domain/tags.js";
import { RunnerExistsError } from "../errors.js";
import type { Runners } from "../github/runners.js";
import type { Pool } from "../pool-file.js";
import type { IdentityVerifier } from "./identity.js";
import type { InstanceLookup } from "./instance-lookup.js";
import type { TokenVerifier } from "./token.js";

/**
 * The bootstrap exchange (DESIGN.md "bootstrap"): a booting instance proves who it is with its one-time
 * token and its EC2 identity document; only then does it get a JIT runner config, named after the
 * instance, so a second use is refused by GitHub's 409. Every refusal has a precise reason for the log and
 * the event log; the caller only ever learns 401 or 403.
 */

export type RefusalReason =
  | "token-invalid"
  | "token-expired"
  | "identity-signature"
  | "identity-malformed"
  | "identity-account"
  | "identity-region"
  | "identity-stale"
  | "instance-not-managed"
  | "instance-not-running"
  | "instance-mismatch"
  | "unknown-pool"
  | "replayed";

export type EnrolResult =
  | {
      ok: true;
      instanceId: string;
      runnerName: string;
      runnerId: number;
      pool: string;
      org: string;
      encodedJitConfig: string;
      /** A retry whose earlier answer was lost: the never-connected runner was replaced. */
      reissued: boolean;
    }
  | {
      ok: false;
      status: 401 | 403;
      reason: RefusalReason;
      detail: string;
      instanceId?: string;
      pool?: string;
      org?: string;
    };

export interface EnrolRequest {
  token: string;
  identity: { document: string; signature: string };
  /** The instance hung up: stop waiting for GitHub's write budget, so no config is issued to nobody. */
  signal?: AbortSignal;
}

/** Instances may start a little before the token's iat is stamped on another clock. */
const CLOCK_SKEW_MS = 60_000;

export function createEnrolment(deps: {
  tokens: TokenVerifier;
  identity: IdentityVerifier;
  instances: InstanceLookup;
  runners: Runners;
  pools: readonly Pool[];
  deploymentId: string;
  runnerPrefix: string;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const poolsByName = new Map(deps.pools.map((p) => [p.name, p]));

  return async function enrol(request: EnrolRequest): Promise<EnrolResult> {
    const token = await deps.tokens.verify(request.token);
    if (!token.ok) return { ok: false, status: 401, reason: token.reason, detail: token.detail };
    const claims = token.claims;
    const who = { pool: claims.pool, org: claims.org };
    const pool = poolsByName.get(claims.pool);
    if (!pool)
      return {
        ok: false,
        status: 403,
        reason: "unknown-pool",
        detail: `pool ${claims.pool} is not configured`,
        ...who,
      };

    const identity = deps.identity.verify(request.identity, {
      notBefore: claims.iat * 1000 - CLOCK_SKEW_MS,
      notAfter: Math.min(now(), claims.iat * 1000 + pool.timeouts.boot * 1000) + CLOCK_SKEW_MS,
    });
    if (!identity.ok)
      return { ok: false, status: 403, reason: identity.reason, detail: identity.detail, ...who };
    const instanceId = identity.document.instanceId;

    const instance = await deps.instances.get(instanceId);
    if (!instance || instance.tags[TAG.managedBy] !== deps.deploymentId) {
      return {
        ok: false,
        status: 403,
        reason: "instance-not-managed",
        detail: `${instanceId} is not a Mayfly instance of this deployment`,
        instanceId,
        ...who,
      };
    }
    if (instance.state !== "running") {
      return {
        ok: false,
        status: 403,
        reason: "instance-not-running",
        detail: `${instanceId} is ${instance.state}`,
        instanceId,
        ...who,
      };
    }
    const mismatch = (["pool", "org", "launch"] as const).find((k) => instance.tags[TAG[k]] !== claims[k]);
    if (mismatch) {
      return {
        ok: false,
        status: 403,
        reason: "instance-mismatch",
        detail: `${instanceId} has ${TAG[mismatch]}=${instance.tags[TAG[mismatch]] ?? "(none)"} but the token names ${claims[mismatch]}`,
        instanceId,
        ...who,
      };
    }

    const ref = { installationId: claims.installation, org: claims.org };
    const runnerName = runnerNameOf(deps.runnerPrefix, instanceId);
    const runnerGroupId = await deps.runners.runnerGroupId(ref, pool.runnerGroup);
    const issue = () =>
      deps.runners.createJitConfig(
        ref,
        { name: runnerName, labels: pool.labels, runnerGroupId },
        { signal: request.signal },
      );
    const issued = (jit: { runnerId: number; encodedJitConfig: string }, reissued = false): EnrolResult => ({
      ok: true,
      instanceId,
      runnerName,
      runnerId: jit.runnerId,
      pool: pool.name,
      org: claims.org,
      encodedJitConfig: jit.encodedJitConfig,
      reissued,
    });
    try {
      return issued(await issue());
    } catch (error) {
      if (!(error instanceof RunnerExistsError)) throw error;
    }
    // The name is taken. A runner that never connected (offline, idle) means our earlier answer never
    // reached the instance (it timed out and retried): remove it, which voids that config, and issue a
    // new one. A runner that connected or runs a job means this is a replay: refuse.
    const existing = await deps.runners.find(ref, runnerName);
    if (existing && (existing.status === "online" || existing.busy)) {
      return {
        ok: false,
        status: 403,
        reason: "replayed",
        detail: `runner ${runnerName} is ${existing.busy ? "busy" : "online"}: bootstrap was used before`,
        instanceId,
        ...who,
      };
    }
    if (existing) await deps.runners.remove(ref, existing.id);
    try {
      return issued(await issue(), true);
    } catch (error) {
      if (error instanceof RunnerExistsError) {
        return {
          ok: false,
          status: 403,
          reason: "replayed",
          detail: `runner ${runnerName} was registered again meanwhile`,
          instanceId,
          ...who,
        };
      }
      throw error;
    }
  };
}
export type Enrol = ReturnType<typeof createEnrolment>;
