import type { Pool } from "../pool-file.js";

export interface PolicyInput {
  /** organization.login of the job. */
  org: string;
  repository: { fullName: string; visibility: "public" | "private" | "internal" };
  /** The run comes from a fork pull request (undefined = not looked up). */
  forkRun: boolean | undefined;
}

export const DENY_CODES = [
  "no-allow",
  "org-not-allowed",
  "repo-not-allowed",
  "visibility-not-allowed",
  "fork-not-allowed",
  "fork-unknown",
] as const;
export type DenyCode = (typeof DENY_CODES)[number];

export type PolicyDecision =
  | { allow: true; reason: string }
  | { allow: false; code: DenyCode; reason: string };

/**
 * Deny by default (DESIGN.md "Policy"): a job runs on a pool only when the pool's `allow` block names its
 * org, a pattern matching its repository, and its visibility; and, for runs from forks, says
 * `allowForks: true`. Rules are checked in that order; the first that fails names itself and its values.
 */
export function evaluatePolicy(input: PolicyInput, pool: Pool): PolicyDecision {
  const { allow } = pool;
  const repo = input.repository.fullName;
  const visibility = input.repository.visibility;
  if (!allow) {
    return deny("no-allow", `pool "${pool.name}" has no allow block, so it admits nobody`);
  }
  if (!allow.orgs.some((org) => org.toLowerCase() === input.org.toLowerCase())) {
    return deny("org-not-allowed", `org ${input.org} is not in [${allow.orgs.join(", ")}]`);
  }
  const pattern = allow.repositories.find((p) => repositoryMatches(p, repo));
  if (pattern === undefined) {
    return deny("repo-not-allowed", `repo ${repo} matches none of [${allow.repositories.join(", ")}]`);
  }
  if (!allow.visibilities.includes(visibility)) {
    return deny(
      "visibility-not-allowed",
      `repo ${repo} is ${visibility}, not in [${allow.visibilities.join(", ")}]`,
    );
  }
  if (input.forkRun === true && !allow.allowForks) {
    return deny(
      "fork-not-allowed",
      `run of ${repo} comes from a fork and pool "${pool.name}" sets no allowForks`,
    );
  }
  // Anyone can fork a public repository and open a pull request, so its fork status must be known.
  // Private and internal repositories need no look-up: GitHub runs no workflows from their forks unless
  // an admin enables "Run workflows from fork pull requests", and a fork of them needs read access:
  // https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository#enabling-workflows-for-forks-of-private-repositories
  if (input.forkRun === undefined && visibility === "public" && !allow.allowForks) {
    return deny(
      "fork-unknown",
      `repo ${repo} is public and whether the run comes from a fork is not known (pool "${pool.name}" sets no allowForks)`,
    );
  }
  const fork = input.forkRun === true ? ", fork run allowed" : "";
  return {
    allow: true,
    reason: `org ${input.org}, repo ${repo} matches ${pattern}, visibility ${visibility}${fork}`,
  };
}

/**
 * True exactly when the decision depends on whether the run comes from a fork: the job passes every
 * other rule, the repository is public and the pool does not allow forks. Callers look the run up
 * (one GET) only then.
 */
export function needsForkCheck(input: Omit<PolicyInput, "forkRun">, pool: Pool): boolean {
  const decision = evaluatePolicy({ ...input, forkRun: undefined }, pool);
  return !decision.allow && decision.code === "fork-unknown";
}

/**
 * `owner/name` patterns where `*` matches within one path segment, case-insensitively (GitHub's owner and
 * repository names are case-insensitive), so `acme/*` never admits `acme-evil/x` or `acme/x/y`.
 */
export function repositoryMatches(pattern: string, fullName: string): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]*");
  return new RegExp(`^${source}$`, "i").test(fullName);
}

function deny(code: DenyCode, reason: string): PolicyDecision {
  return { allow: false, code, reason };
}
