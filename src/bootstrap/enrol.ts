import { interruptedAt } from "../aws/ec2-mark-interrupted.js";
import { TAG } from "../domain/tags.js";
import type { Pool } from "../pool-file.js";
import type { Enrol, EnrolResult } from "./enrol-result.js";
import type { IdentityVerifier } from "./identity.js";
import type { InstanceLookup } from "./instance-lookup.js";
import type { IssueRunner } from "./issue-runner.js";
import type { TokenVerifier } from "./token.js";

export type { Enrol, EnrolRequest, EnrolResult, RefusalReason } from "./enrol-result.js";

/**
 * The bootstrap exchange (DESIGN.md "bootstrap"): a booting instance proves who it is with its launch's
 * token and its EC2 identity document; the instance must be this deployment's, running, and of the
 * token's pool, org and launch. Only then does `issue` decide whether it may have a JIT config at all
 * (once per instance: ADR 0007). Every refusal has a precise reason for the log and the metrics; the
 * caller only ever learns 401 or 403 (or 503 for a config problem it should wait out).
 */

/** Instances may start a little before the token's iat is stamped on another clock. */
const CLOCK_SKEW_MS = 60_000;

export function createEnrolment(deps: {
  tokens: TokenVerifier;
  identity: IdentityVerifier;
  instances: Pick<InstanceLookup, "get">;
  issue: IssueRunner;
  pools: readonly Pool[];
  deploymentId: string;
  now: () => number;
}): Enrol {
  const poolsByName = new Map(deps.pools.map((p) => [p.name, p]));

  return async function enrol(request): Promise<EnrolResult> {
    const token = await deps.tokens.verify(request.token);
    if (!token.ok) return { ok: false, status: 401, reason: token.reason, detail: token.detail };
    const claims = token.claims;
    const who = { pool: claims.pool, org: claims.org };
    const pool = poolsByName.get(claims.pool);
    if (!pool) {
      return {
        ok: false,
        status: 403,
        reason: "unknown-pool",
        detail: `pool ${claims.pool} is not configured`,
        ...who,
      };
    }

    const identity = deps.identity.verify(request.identity, {
      notBefore: claims.iat * 1000 - CLOCK_SKEW_MS,
      notAfter: Math.min(deps.now(), claims.iat * 1000 + pool.timeouts.boot * 1000) + CLOCK_SKEW_MS,
    });
    if (!identity.ok)
      return { ok: false, status: 403, reason: identity.reason, detail: identity.detail, ...who };
    const instanceId = identity.document.instanceId;
    const refuse = (
      reason: "instance-not-managed" | "instance-not-running" | "instance-interrupted" | "instance-mismatch",
      detail: string,
    ) => ({ ok: false, status: 403, reason, detail, instanceId, ...who }) as const;

    const instance = await deps.instances.get(instanceId);
    if (!instance || instance.tags[TAG.managedBy] !== deps.deploymentId)
      return refuse("instance-not-managed", `${instanceId} is not a Mayfly instance of this deployment`);
    if (instance.state !== "running")
      return refuse("instance-not-running", `${instanceId} is ${instance.state}`);
    if (interruptedAt(instance.tags) !== undefined)
      return refuse("instance-interrupted", `${instanceId} was warned of a spot interruption`);
    // One token serves every instance of its launch (finding 3): acceptable because each instance
    // enrols once, and only with its own identity document, which only it can read.
    const mismatch = (["pool", "org", "launch"] as const).find((k) => instance.tags[TAG[k]] !== claims[k]);
    if (mismatch) {
      return refuse(
        "instance-mismatch",
        `${instanceId} has ${TAG[mismatch]}=${instance.tags[TAG[mismatch]] ?? "(none)"} but the token names ${claims[mismatch]}`,
      );
    }
    return deps.issue({
      instance,
      pool,
      ref: { installationId: claims.installation, org: claims.org },
      signal: request.signal,
    });
  };
}
