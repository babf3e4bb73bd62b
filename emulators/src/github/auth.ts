import { ApiError, badCredentials, notAccessible, requiresAuthentication } from "./api-error.js";
import { JWT_MESSAGES, looksLikeJwt, verifyAppJwt } from "./app-jwt.js";
import type { AppRecord, InstallationRecord, OrgRecord, UserRecord } from "./records.js";
import type { World } from "./world.js";

/**
 * Who is calling. `key` identifies the rate-limit bucket: GitHub counts per installation (not per
 * token), per app for JWTs, per user for user tokens, per IP for anonymous calls.
 */
export type Caller =
  | { kind: "anonymous"; key: string; ip: string }
  | { kind: "app"; key: string; app: AppRecord }
  | {
      kind: "installation";
      key: string;
      installation: InstallationRecord;
      permissions: Record<string, string>;
    }
  | { kind: "user"; key: string; user: UserRecord; app: AppRecord }
  | { kind: "rejected"; key: string; ip: string; error: ApiError };

export function authenticate(header: string | undefined, ip: string, world: World, nowMs: number): Caller {
  if (!header) return { kind: "anonymous", key: `ip:${ip}`, ip };
  const match = /^(bearer|token)\s+(\S+)\s*$/i.exec(header);
  const credential = match?.[2];
  if (!credential) return { kind: "rejected", key: `ip:${ip}`, ip, error: badCredentials() };

  if (looksLikeJwt(credential)) {
    const verdict = verifyAppJwt(credential, (iss) => findApp(world, iss), Math.floor(nowMs / 1000));
    if (!verdict.ok) {
      return { kind: "rejected", key: `ip:${ip}`, ip, error: new ApiError(401, verdict.message) };
    }
    return { kind: "app", key: `app:${verdict.app.id}`, app: verdict.app };
  }

  const token = world.tokens.get(credential);
  if (!token || token.expiresAt <= nowMs)
    return { kind: "rejected", key: `ip:${ip}`, ip, error: badCredentials() };
  if (token.kind === "installation") {
    return {
      kind: "installation",
      key: `installation:${token.installation.id}`,
      installation: token.installation,
      permissions: token.permissions,
    };
  }
  return { kind: "user", key: `user:${token.user.id}`, user: token.user, app: token.app };
}

function findApp(world: World, iss: number | string): AppRecord | undefined {
  if (typeof iss === "number") return world.apps.get(iss);
  for (const app of world.apps.values()) if (app.clientId === iss) return app;
  return undefined;
}

/** Endpoints that "must use a JWT". Other credentials get GitHub's JWT decode error. */
export function requireApp(caller: Caller): AppRecord {
  if (caller.kind === "app") return caller.app;
  throw new ApiError(401, JWT_MESSAGES.undecodable);
}

export function requireUser(caller: Caller): { user: UserRecord; app: AppRecord } {
  if (caller.kind === "user") return caller;
  if (caller.kind === "anonymous") throw requiresAuthentication();
  throw notAccessible();
}

function grants(have: string | undefined, need: "read" | "write"): boolean {
  if (need === "read") return have === "read" || have === "write" || have === "admin";
  return have === "write" || have === "admin";
}

/**
 * An installation token must belong to the org and carry the permission; a user token needs the user
 * to be an org member (admin for writes) and the app to hold the permission (user-to-server tokens are
 * capped by the app's permissions).
 */
export function requireOrgAccess(
  caller: Caller,
  org: OrgRecord,
  permission: string,
  level: "read" | "write",
): void {
  const accepted = `${permission}=${level}`;
  switch (caller.kind) {
    case "installation":
      if (caller.installation.org !== org) throw notAccessible(accepted);
      if (!grants(caller.permissions[permission], level)) throw notAccessible(accepted);
      return;
    case "user": {
      const role = caller.user.orgs.get(org.login.toLowerCase());
      if (!role || (level === "write" && role !== "admin")) throw notAccessible(accepted);
      if (!grants(caller.app.permissions[permission], level)) throw notAccessible(accepted);
      return;
    }
    case "anonymous":
      throw requiresAuthentication();
    default:
      throw notAccessible(accepted);
  }
}
