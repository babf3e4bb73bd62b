import { parse, stringify } from "yaml";
import { SANDBOX_POOLS_YAML } from "../../sandbox/sandbox-pools.js";

/**
 * The sandbox's three pools (small, large, oss) with the cap and timeouts a scenario needs: the burst
 * raises `maxRunners` so the cap does not dominate, and its boot timeout so instances waiting for their
 * JIT config (paced by GitHub's write budget) are not reaped as never-booted.
 */
export function benchPoolsYaml(options: {
  maxRunners: number;
  boot: string;
  idle: string;
  job: string;
}): string {
  const file = parse(SANDBOX_POOLS_YAML) as { pools: Array<Record<string, unknown>> };
  for (const pool of file.pools) {
    pool.maxRunners = options.maxRunners;
    pool.timeouts = { boot: options.boot, idle: options.idle, job: options.job };
  }
  return stringify(file);
}

/** Labels and a repository each pool admits (sandbox-pools.ts), to spread jobs over the pools. */
export const POOL_JOBS = [
  { pool: "small", repo: "infra", labels: ["self-hosted", "linux", "x64", "mayfly-small"] },
  { pool: "large", repo: "api", labels: ["self-hosted", "linux", "x64", "mayfly-large"] },
  { pool: "oss", repo: "sdk", labels: ["self-hosted", "linux", "arm64", "mayfly-oss"] },
] as const;
