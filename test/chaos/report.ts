import type { ScenarioResult } from "./run-scenario.js";

/** What a failing seed prints: the seed, how to replay it, the violations and the end of the trace. */
export function formatFailure(result: ScenarioResult, tailLines = 120): string {
  return [
    `chaos seed ${result.seed} (${result.profile}) failed: ${result.summary}`,
    ...result.violations.map((v) => `  - ${v.invariant}: ${v.detail}`),
    `replay: npx tsx test/chaos/cli.ts --seed ${result.seed} --profile ${result.profile}`,
    ...(result.tracePath ? [`whole trace: ${result.tracePath}`] : []),
    `last ${tailLines} trace lines:`,
    result.trace.tail(tailLines),
  ].join("\n");
}
