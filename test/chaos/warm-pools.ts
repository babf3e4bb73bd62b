import { SANDBOX_POOLS_YAML } from "../../sandbox/sandbox-pools.js";

/**
 * The `warm` profile's pool file (issue 13): the sandbox's, with warm capacity on the `large` pool
 * (on-demand: stopped instances must be, reference/wave2-facts.md). No schedule, so the target holds for
 * the whole run; the warm loop runs on the reaper's sweep, so its kills and the EC2 faults hit it too.
 */
export const WARM_POOL = "large";
export const WARM_TARGET = { hot: 1, stopped: 2 } as const;

const ANCHOR = "    maxRunners: 20\n";

export function warmPoolsYaml(): string {
  if (!SANDBOX_POOLS_YAML.includes(ANCHOR))
    throw new Error("sandbox pool file changed: update warm-pools.ts");
  return SANDBOX_POOLS_YAML.replace(
    ANCHOR,
    `${ANCHOR}    warm: { hot: ${WARM_TARGET.hot}, stopped: ${WARM_TARGET.stopped} }\n`,
  );
}
