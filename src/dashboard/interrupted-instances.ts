import type { Logger } from "pino";
import type { Fleet, ManagedInstance } from "../aws/fleet.js";
import { TAG } from "../domain/tags.js";

/**
 * This deployment's instances warned of a spot interruption, terminated ones included (EC2 lists those
 * for about an hour): what the pools' breaker column is computed from, as the scaler's breaker is (ADR
 * 0015). The observation lists live instances only, so this is one more DescribeInstances, filtered on
 * the `mayfly:interrupted` tag key (small: only the last hour's warned instances), at most once per
 * `ttlMs` and only while someone looks. On a failure the last answer is served and the failure logged.
 */
export function createInterruptedInstances(deps: {
  fleet: Pick<Fleet, "list">;
  ttlMs: number;
  now: () => number;
  log: Logger;
}): () => Promise<ManagedInstance[]> {
  let last: ManagedInstance[] = [];
  let at = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<ManagedInstance[]> | undefined;
  return function interrupted() {
    if (inFlight) return inFlight;
    if (deps.now() - at < deps.ttlMs) return Promise.resolve(last);
    at = deps.now();
    inFlight = deps.fleet
      .list({
        states: ["pending", "running", "shutting-down", "stopping", "stopped", "terminated"],
        tagKey: TAG.interrupted,
      })
      .then((found) => {
        last = found;
        return found;
      })
      .catch((error: Error) => {
        deps.log.warn(
          { err: error },
          "listing interrupted instances failed; the breaker column may be behind",
        );
        return last;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}
