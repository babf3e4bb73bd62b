import { runnerNameOf } from "../domain/runner-name.js";
import { TAG } from "../domain/tags.js";
import type { Observation } from "../reaper/observe.js";
import { type RunnerState, runnerState } from "../reaper/runner-states.js";

export const RUNNER_STATES = [
  "launching",
  "booting",
  "idle",
  "busy",
  "terminating",
] as const satisfies readonly RunnerState[];

export type StateCounts = Record<RunnerState, number>;

export function emptyCounts(): StateCounts {
  return { launching: 0, booting: 0, idle: 0, busy: 0, terminating: 0 };
}

/** Instances by the state an admin would name (see reaper/runner-states.ts), optionally for one pool. */
export function countStates(observation: Observation, runnerPrefix: string, pool?: string): StateCounts {
  const runners = new Map(observation.runners.map((r) => [r.name, r]));
  const counts = emptyCounts();
  for (const instance of observation.instances) {
    if (pool !== undefined && instance.tags[TAG.pool] !== pool) continue;
    const state = runnerState(instance, runners.get(runnerNameOf(runnerPrefix, instance.instanceId)));
    if (state) counts[state] += 1;
  }
  return counts;
}
