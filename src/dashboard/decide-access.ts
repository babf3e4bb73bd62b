/**
 * Who may open the dashboard (the access rule): an active admin of at least one org where the
 * App is installed, who then sees those orgs; or an active member of the configured operator team, who
 * sees everything. Everyone else is refused, with a reason they can act on.
 */
export interface Membership {
  org: string;
  state: string;
  role: string;
}

export type AccessDecision =
  | { allow: true; orgs: string[] | "all"; reason: string }
  | { allow: false; reason: string };

export function decideAccess(input: {
  login: string;
  installedOrgs: readonly string[];
  memberships: readonly Membership[];
  team?: { name: string; state?: string };
}): AccessDecision {
  if (input.team?.state === "active") {
    return { allow: true, orgs: "all", reason: `${input.login} is a member of team ${input.team.name}` };
  }
  const installed = new Set(input.installedOrgs.map((o) => o.toLowerCase()));
  const adminOf = input.memberships
    .filter((m) => m.state === "active" && m.role === "admin" && installed.has(m.org.toLowerCase()))
    .map((m) => m.org);
  if (adminOf.length > 0) {
    return {
      allow: true,
      orgs: [...new Set(adminOf)].sort(),
      reason: `${input.login} administers ${adminOf.join(", ")}`,
    };
  }
  const where = input.installedOrgs.length > 0 ? input.installedOrgs.join(", ") : "no org yet";
  const team = input.team ? ` and is not an active member of team ${input.team.name}` : "";
  return {
    allow: false,
    reason: `${input.login} is not an admin of any org where Mayfly is installed (${where})${team}`,
  };
}
