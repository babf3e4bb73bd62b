import type { EmulatorEvent } from "../../emulators/src/github/types.js";
import type { Sandbox } from "../../sandbox/sandbox.js";

/**
 * What the GitHub emulator saw, with times: the "other side of the wire" for runners created (JIT configs),
 * jobs started and completed. Subscribed before the scenario starts; `off()` when done.
 */
export function watchGitHub(sandbox: Sandbox) {
  const times = {
    runnerCreated: [] as number[],
    jobStarted: [] as number[],
    jobCompleted: [] as number[],
    runnerRemoved: [] as number[],
  };
  const off = sandbox.github.onEvent((event: EmulatorEvent) => {
    if (event.type === "runner.created") times.runnerCreated.push(event.at);
    else if (event.type === "job.started") times.jobStarted.push(event.at);
    else if (event.type === "job.completed") times.jobCompleted.push(event.at);
    else if (event.type === "runner.removed") times.runnerRemoved.push(event.at);
  });
  return { times, off };
}

/** The n-th smallest time (1-based) minus `from`, in seconds; undefined when fewer than n happened. */
export function secondsToNth(times: readonly number[], n: number, from: number): number | undefined {
  if (times.length < n || n < 1) return undefined;
  const sorted = [...times].sort((a, b) => a - b);
  return (sorted[n - 1]! - from) / 1000;
}

/** Sum of a record's counts. */
export function total(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}
