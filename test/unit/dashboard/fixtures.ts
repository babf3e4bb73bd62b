import type { ManagedInstance } from "../../../src/aws/fleet.js";
import type { MayflyEvent } from "../../../src/events/event-log.js";
import type { GitHubRunner } from "../../../src/github/runners.js";
import type { Observation } from "../../../src/reaper/observe.js";

/** Builders for the dashboard's unit tests: instances, runners, observations and events in a few words. */

export const PREFIX = "mayfly-";

export function instance(
  id: string,
  overrides: Partial<ManagedInstance> & { pool?: string; org?: string } = {},
): ManagedInstance {
  const { pool = "linux", org = "acme", ...rest } = overrides;
  return {
    instanceId: id,
    state: "running",
    launchedAt: 0,
    instanceType: "m7i.large",
    availabilityZone: "us-east-1a",
    market: "on-demand",
    tags: { "mayfly:managed-by": "mayfly", "mayfly:pool": pool, "mayfly:org": org },
    ...rest,
  };
}

export function runner(
  instanceId: string,
  busy: boolean,
  id = 1,
): GitHubRunner & { ref: { installationId: number; org: string } } {
  return {
    id,
    name: `${PREFIX}${instanceId}`,
    status: "online",
    busy,
    labels: ["self-hosted", "linux"],
    ref: { installationId: 1, org: "acme" },
  };
}

export function observation(
  instances: ManagedInstance[],
  runners: ReturnType<typeof runner>[] = [],
  at = 1_000_000,
): Observation {
  return { at, instances, runners, unreachableOrgs: [] };
}

let seq = 0;
export function event(kind: MayflyEvent["kind"], at: number, fields: Partial<MayflyEvent> = {}): MayflyEvent {
  seq += 1;
  return { seq, at, kind, message: `${kind} ${seq}`, ...fields };
}
