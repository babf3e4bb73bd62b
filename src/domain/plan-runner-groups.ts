import type { Pool } from "../pool-file.js";
import { repositoryMatches } from "./evaluate-policy.js";

/**
 * The runner groups an org needs so that each group admits exactly the repositories its pools allow
 * (issue 12, item 3). Desired-vs-actual, like probot/settings: compare, then create, update or keep.
 * https://docs.github.com/en/rest/actions/self-hosted-runner-groups
 */

export type GroupVisibility = "all" | "selected" | "private";
export type RepoVisibility = "public" | "private" | "internal";

export interface OrgRepo {
  id: number;
  /** owner/name */
  fullName: string;
  visibility: RepoVisibility;
}

export interface ExistingGroup {
  id: number;
  name: string;
  visibility: GroupVisibility;
  /** Only meaningful when visibility is "selected". */
  selectedRepositoryIds: readonly number[];
  allowsPublicRepositories: boolean;
  isDefault: boolean;
}

export interface GroupAccess {
  visibility: GroupVisibility;
  /** Sorted; empty unless visibility is "selected". */
  selectedRepositoryIds: number[];
  allowsPublicRepositories: boolean;
}

export type RunnerGroupAction =
  | ({ kind: "create"; name: string; pools: string[]; reason: string } & GroupAccess)
  | {
      kind: "update";
      id: number;
      name: string;
      pools: string[];
      /** Set when visibility or public access differ (PATCH). */
      patch?: Pick<GroupAccess, "visibility" | "allowsPublicRepositories">;
      /** Set when the selected repositories differ (PUT .../repositories). */
      selectedRepositoryIds?: number[];
      reason: string;
    }
  | { kind: "keep"; id: number; name: string; pools: string[]; reason: string };

export type RunnerGroupPool = Pick<Pool, "name" | "runnerGroup" | "allow">;

export function planRunnerGroups(
  pools: readonly RunnerGroupPool[],
  org: string,
  repos: readonly OrgRepo[],
  existing: readonly ExistingGroup[],
): RunnerGroupAction[] {
  const byGroup = new Map<string, { name: string; pools: RunnerGroupPool[] }>();
  for (const pool of pools) {
    if (!pool.allow?.orgs.some((o) => o.toLowerCase() === org.toLowerCase())) continue;
    const name = pool.runnerGroup ?? "Default";
    const entry = byGroup.get(name.toLowerCase()) ?? { name, pools: [] };
    entry.pools.push(pool);
    byGroup.set(name.toLowerCase(), entry);
  }
  return [...byGroup.values()].map(({ name, pools: members }) => {
    const want = desiredAccess(members, org, repos);
    const poolNames = members.map((p) => p.name);
    const group = existing.find((g) => g.name.toLowerCase() === name.toLowerCase());
    if (!group) {
      return { kind: "create", name, pools: poolNames, ...want, reason: `no group named ${name}` };
    }
    const sameAccess =
      group.visibility === want.visibility &&
      group.allowsPublicRepositories === want.allowsPublicRepositories;
    const haveIds = [...group.selectedRepositoryIds].sort((a, b) => a - b);
    const sameRepos = want.visibility !== "selected" || sameIds(haveIds, want.selectedRepositoryIds);
    if (sameAccess && sameRepos) {
      return {
        kind: "keep",
        id: group.id,
        name: group.name,
        pools: poolNames,
        reason: "already as the pools allow",
      };
    }
    // The Default group also serves the org's other self-hosted runners: narrowing it would cut them off
    // from repositories they serve today. Mayfly leaves it as it is and says how to restrict its pools;
    // the pools' policy still judges every job on the runner (ADR 0008).
    if (group.isDefault) {
      return {
        kind: "keep",
        id: group.id,
        name: group.name,
        pools: poolNames,
        reason: `Default admits more than pools ${poolNames.join(", ")} allow; it is left as it is because other runners may use it: give these pools a runnerGroup of their own to restrict them`,
      };
    }
    const reasons = [
      ...(sameAccess ? [] : [describeChange(group, want)]),
      ...(sameRepos ? [] : [`repositories ${haveIds.length} → ${want.selectedRepositoryIds.length}`]),
    ];
    return {
      kind: "update",
      id: group.id,
      name: group.name,
      pools: poolNames,
      ...(sameAccess
        ? {}
        : {
            patch: { visibility: want.visibility, allowsPublicRepositories: want.allowsPublicRepositories },
          }),
      ...(sameRepos ? {} : { selectedRepositoryIds: want.selectedRepositoryIds }),
      reason: reasons.join("; "),
    };
  });
}

/**
 * "all" when a pool admits every repository of the org of every non-public visibility (future
 * repositories included, as the pattern does); otherwise "selected", resolved against today's
 * repository list (a later sync picks up new repositories). Public repositories need
 * `allows_public_repositories` whichever visibility, and only a pool that admits them sets it.
 */
export function desiredAccess(
  pools: readonly RunnerGroupPool[],
  org: string,
  repos: readonly OrgRepo[],
): GroupAccess {
  const allowsPublic = pools.some((p) => p.allow?.visibilities.includes("public"));
  // The union of what the pools allow: one pool admitting every non-public repository of the org
  // makes it "all" unless another pool adds only some public ones (then "selected" lists them all).
  const wide = (p: RunnerGroupPool, public_: boolean) =>
    p.allow?.repositories.some((pattern) => coversOrg(pattern, org)) === true &&
    p.allow.visibilities.includes("private") &&
    p.allow.visibilities.includes("internal") &&
    (!public_ || p.allow.visibilities.includes("public"));
  const everything = pools.some((p) => wide(p, allowsPublic));
  if (everything)
    return { visibility: "all", selectedRepositoryIds: [], allowsPublicRepositories: allowsPublic };
  const ids = repos
    .filter((repo) =>
      pools.some(
        (p) =>
          p.allow?.visibilities.includes(repo.visibility) &&
          p.allow.repositories.some((pattern) => repositoryMatches(pattern, repo.fullName)),
      ),
    )
    .map((r) => r.id)
    .sort((a, b) => a - b);
  return { visibility: "selected", selectedRepositoryIds: ids, allowsPublicRepositories: allowsPublic };
}

/** A pattern whose name part is `*` and whose owner part matches the org admits all its repositories. */
function coversOrg(pattern: string, org: string): boolean {
  const [owner, name] = pattern.split("/");
  return name === "*" && owner !== undefined && repositoryMatches(`${owner}/x`, `${org}/x`);
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function describeChange(group: ExistingGroup, want: GroupAccess): string {
  const pub = (v: boolean) => (v ? "public allowed" : "no public");
  return `${group.visibility}, ${pub(group.allowsPublicRepositories)} → ${want.visibility}, ${pub(want.allowsPublicRepositories)}`;
}
