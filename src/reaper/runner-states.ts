import { runnerNameOf } from "../domain/runner-name.js";
import { TAG } from "../domain/tags.js";
import type { Observation } from "./observe.js";

export type RunnerState = "launching" | "booting" | "idle" | "busy" | "terminating";

/**
 * The state an admin would name for an instance: launching (EC2 pending), booting (running, no runner
 * yet), idle, busy, terminating (shutting down or stopping).
 */
export function runnerState(
  instance: Observation["instances"][number],
  runner: { busy: boolean } | undefined,
): RunnerState | undefined {
  if (instance.state === "terminated") return undefined;
  if (instance.state === "shutting-down" || instance.state === "stopping" || instance.state === "stopped")
    return "terminating";
  if (instance.state === "pending") return "launching";
  if (!runner) return "booting";
  return runner.busy ? "busy" : "idle";
}

/** Counts by "pool|state". */
export function runnerStates(observation: Observation, runnerPrefix: string): Map<string, number> {
  const runners = new Map(observation.runners.map((r) => [r.name, r]));
  const counts = new Map<string, number>();
  for (const instance of observation.instances) {
    const state = runnerState(instance, runners.get(runnerNameOf(runnerPrefix, instance.instanceId)));
    if (!state) continue;
    const key = `${instance.tags[TAG.pool] ?? "unknown"}|${state}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
