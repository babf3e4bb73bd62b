import { ConfigError, type ConfigProblem } from "../../src/errors.js";
import { type PoolFile, parsePoolFile } from "../../src/pool-file.js";

const KMS_KEY = /^(arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key\/)?(mrk-[0-9a-f]{32}|[0-9a-f-]{36})$/;

/**
 * The stack turns every pool into a launch template and into IAM resource lists, so it checks again,
 * at synth, the invariants it relies on — also for pool objects built in code, which never met the
 * schema. Every problem is reported at once (STYLE.md: config errors name the key and the fix).
 */
export function assertDeployablePools(file: PoolFile, launchTemplateName: (pool: string) => string): void {
  const problems: ConfigProblem[] = [];
  const add = (key: string, problem: string, fix: string) => problems.push({ key, problem, fix });
  if (file.pools.length === 0) add("pools", "is empty", "define at least one pool; see mayfly.example.yml");
  const seen = new Set<string>();
  file.pools.forEach((pool, i) => {
    // Pools by name, as check-config names them; by position when the name is missing or taken twice.
    const unique =
      typeof pool.name === "string" && file.pools.filter((p) => p.name === pool.name).length === 1;
    const key = unique ? `pool ${JSON.stringify(pool.name)}` : `pool #${i + 1}`;
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(pool.name ?? "")) {
      add(`${key}: name`, "is not a lower-case name", "use lower-case letters, digits and dashes");
    } else if (seen.has(pool.name)) {
      add(`${key}: name`, `duplicates pool ${pool.name}`, "give each pool a unique name");
    }
    seen.add(pool.name);
    if (!Array.isArray(pool.subnets) || pool.subnets.length === 0) {
      add(
        `${key}: subnets`,
        "is missing or empty",
        "list the private subnet ids this pool's runners may use",
      );
    } else if (pool.subnets.some((s) => !/^subnet-[0-9a-f]{8,17}$/.test(s))) {
      add(
        `${key}: subnets`,
        "holds something that is not a subnet id",
        "use ids like subnet-0123456789abcdef0",
      );
    }
    if ((pool.securityGroups ?? []).some((g) => !/^sg-[0-9a-f]{8,17}$/.test(g))) {
      add(
        `${key}: securityGroups`,
        "holds something that is not a security group id",
        "use ids like sg-0123…",
      );
    }
    if (pool.instanceProfile !== undefined) {
      add(
        `${key}: instanceProfile`,
        "is set, but the stack owns the runner instance profile (the app may pass only that role)",
        "remove it; opt in to SSM Session Manager with the stack's mayfly:ssmSessionManager context instead",
      );
    }
    if (pool.launchTemplate !== undefined && pool.launchTemplate !== launchTemplateName(pool.name)) {
      add(
        `${key}: launchTemplate`,
        `is ${pool.launchTemplate}, but the stack creates ${launchTemplateName(pool.name)} and the app may use only that`,
        "remove launchTemplate from the pool",
      );
    }
    if (pool.volume?.kmsKeyId !== undefined && !KMS_KEY.test(pool.volume.kmsKeyId)) {
      add(
        `${key}: volume.kmsKeyId`,
        "is not a KMS key id or key ARN",
        "use the key ARN (aliases cannot be granted)",
      );
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
}

/** Reads pool-file YAML the way the app does; throws a ConfigError listing every problem. */
export function loadPoolFile(text: string, source: string): PoolFile {
  const { file, problems } = parsePoolFile(text, source);
  if (!file || problems.length > 0) throw new ConfigError(problems);
  return file;
}
