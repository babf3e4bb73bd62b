/**
 * Who is looking. A signed-in org admin sees and acts on the runners of the orgs they administer; a member
 * of the configured operator team, and the bearer token, see everything. Aggregates that name no repository
 * (pool capacity, runner counts over time) are shared by all viewers.
 */
export interface Viewer {
  login: string;
  via: "session" | "token";
  orgs: readonly string[] | "all";
  /** The session's CSRF token; absent for bearer-token callers, who send no cookies. */
  csrf?: string;
}

/** Whether the viewer may see something that belongs to `org`; things of no org are visible to all. */
export function canSee(viewer: Viewer, org: string | undefined): boolean {
  if (viewer.orgs === "all" || org === undefined || org === "") return true;
  const wanted = org.toLowerCase();
  return viewer.orgs.some((o) => o.toLowerCase() === wanted);
}

/** Whether something of `org` is the viewer's (to list or act on); things of no org are operators' only. */
export function owns(viewer: Viewer, org: string | undefined): boolean {
  if (viewer.orgs === "all") return true;
  return org !== undefined && org !== "" && canSee(viewer, org);
}

export const TOKEN_VIEWER: Viewer = { login: "api-token", via: "token", orgs: "all" };
