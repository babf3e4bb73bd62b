import { parseArgs } from "node:util";
import { PROFILES } from "./profiles.js";
import { runScenario } from "./run-scenario.js";

/**
 * Replays chaos seeds and prints each run's whole trace:
 *   npx tsx test/chaos/cli.ts --seed 1234 [--seed 99] [--profile full|fast|spot|warm] [--quiet] [--tsx]
 */
const { values } = parseArgs({
  options: {
    seed: { type: "string", multiple: true, default: [] },
    profile: { type: "string", default: "full" },
    quiet: { type: "boolean", default: false },
    tsx: { type: "boolean", default: false },
  },
});
const profile = PROFILES[values.profile ?? "full"];
const seeds = (values.seed ?? []).map(Number).filter(Number.isInteger);
if (seeds.length === 0 || !profile) {
  process.stderr.write(
    "usage: npx tsx test/chaos/cli.ts --seed <n> [--seed <n>…] [--profile full|fast|spot|warm] [--quiet] [--tsx]\n",
  );
  process.exit(2);
}
let failed = 0;
for (const seed of seeds) {
  const result = await runScenario(seed, profile, { tsx: values.tsx });
  if (!values.quiet) process.stdout.write(`${result.trace.format()}\n`);
  const verdict = result.violations.length === 0 ? "PASS" : "FAIL";
  process.stdout.write(`${verdict} seed ${seed} (${profile.name}): ${result.summary}\n`);
  for (const v of result.violations) process.stdout.write(`  - ${v.invariant}: ${v.detail}\n`);
  if (result.violations.length > 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
