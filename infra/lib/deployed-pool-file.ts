import type { Pool, PoolFile } from "../../src/pool-file.js";

/**
 * Which security groups runners get:
 * - `stack-only` (default): only the stack's runner group (no ingress, egress on the configured ports).
 *   The pool's own groups are ignored, because security groups add up: one permissive group (a default
 *   group allows all egress) would undo the egress limit.
 * - `stack-and-pool`: the stack's group plus the pool's, for admins who need extra rules; the egress
 *   limit is then only as tight as the pool's groups.
 */
export const RUNNER_SECURITY_GROUP_MODES = ["stack-only", "stack-and-pool"] as const;
export type RunnerSecurityGroupMode = (typeof RUNNER_SECURITY_GROUP_MODES)[number];

export function runnerSecurityGroupIds(
  pool: Pool,
  stackGroupId: string,
  mode: RunnerSecurityGroupMode,
): string[] {
  return mode === "stack-only" ? [stackGroupId] : [stackGroupId, ...pool.securityGroups];
}

/**
 * The pool file the container reads: the admin's file with each pool pointed at the stack's launch
 * template and security groups, so that what the app asks for is exactly what its IAM policy allows.
 * Emitted as JSON (valid YAML) with the group ids resolved by CloudFormation.
 */
export function deployedPoolFile(
  file: PoolFile,
  options: {
    stackGroupId: string;
    mode: RunnerSecurityGroupMode;
    launchTemplateName: (pool: string) => string;
  },
): PoolFile {
  return {
    ...file,
    pools: file.pools.map((pool) => ({
      ...pool,
      launchTemplate: options.launchTemplateName(pool.name),
      securityGroups: runnerSecurityGroupIds(pool, options.stackGroupId, options.mode),
    })),
  };
}
