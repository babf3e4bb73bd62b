import { describe, expect, it } from "vitest";
import { decideAccess } from "../../../src/dashboard/decide-access.js";

const admin = (org: string, state = "active") => ({ org, state, role: "admin" });
const member = (org: string) => ({ org, state: "active", role: "member" });

describe("decideAccess", () => {
  it.each([
    ["an active admin of an installed org sees that org", ["acme"], [admin("acme")], undefined, ["acme"]],
    [
      "admin of two installed orgs sees both, sorted",
      ["globex", "acme"],
      [admin("globex"), admin("acme")],
      undefined,
      ["acme", "globex"],
    ],
    ["only installed orgs count", ["acme"], [admin("acme"), admin("other")], undefined, ["acme"]],
    ["org names compare case-insensitively", ["Acme"], [admin("acme")], undefined, ["acme"]],
    [
      "an active team member sees everything",
      ["acme"],
      [member("acme")],
      { name: "acme/platform", state: "active" },
      "all",
    ],
    [
      "a team member who is also an admin sees everything",
      ["acme"],
      [admin("acme")],
      { name: "acme/platform", state: "active" },
      "all",
    ],
  ] as const)("allows: %s", (_, installedOrgs, memberships, team, orgs) => {
    const decision = decideAccess({ login: "alice", installedOrgs, memberships, team });
    expect(decision).toMatchObject({ allow: true, orgs });
  });

  it.each([
    [
      "a plain member",
      ["acme"],
      [member("acme")],
      undefined,
      /alice is not an admin of any org where Mayfly is installed \(acme\)$/,
    ],
    [
      "a pending admin (invitation not accepted)",
      ["acme"],
      [admin("acme", "pending")],
      undefined,
      /not an admin/,
    ],
    ["an admin of an org without the App", ["acme"], [admin("other")], undefined, /\(acme\)/],
    ["nobody when the App is installed nowhere", [], [], undefined, /\(no org yet\)/],
    [
      "a pending team member",
      ["acme"],
      [member("acme")],
      { name: "acme/platform", state: "pending" },
      /not an active member of team acme\/platform/,
    ],
    ["a non-member of the team", ["acme"], [], { name: "acme/platform" }, /team acme\/platform/],
  ] as const)("refuses %s", (_, installedOrgs, memberships, team, reason) => {
    const decision = decideAccess({ login: "alice", installedOrgs, memberships, team });
    expect(decision.allow).toBe(false);
    expect(decision.reason).toMatch(reason);
  });
});
