import type { OrgRef } from "../github/runners.js";
import type { Pool } from "../pool-file.js";
import type { TokenIssuer } from "./token.js";
import { renderUserData } from "./user-data.js";

export interface RunnerUserDataDeps {
  tokens: Pick<TokenIssuer, "issue">;
  publicUrl: string;
}

/**
 * A fresh one-time token and the user-data that carries it, for an instance of `pool` that boots (or is
 * started) as launch `launch`. Every path that boots a runner (cold launch, hot warm launch, start of a
 * stopped instance) goes through here, so none can forget a pool setting such as `jobImds`.
 * `maxLifetimeSeconds` defaults to boot + idle + job timeouts; hot runners wait up to the warm max age.
 */
export async function runnerUserData(
  deps: RunnerUserDataDeps,
  pool: Pool,
  ref: OrgRef,
  launch: string,
  maxLifetimeSeconds = pool.timeouts.boot + pool.timeouts.idle + pool.timeouts.job,
): Promise<string> {
  const token = await deps.tokens.issue({
    pool: pool.name,
    org: ref.org,
    installation: ref.installationId,
    launch,
    ttlSeconds: pool.timeouts.boot,
  });
  return renderUserData({
    appUrl: deps.publicUrl,
    token,
    pool: pool.name,
    maxLifetimeSeconds,
    bootTimeoutSeconds: pool.timeouts.boot,
    jobImds: pool.jobImds,
  });
}
