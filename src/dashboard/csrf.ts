import { constantTimeEqual } from "./constant-time-equal.js";
import type { Viewer } from "./viewer.js";

export const CSRF_HEADER = "x-csrf-token";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The synchronizer-token check for state-changing requests: a session's request must carry the session's
 * csrf claim in `x-csrf-token`, which a cross-site form cannot set. Bearer-token callers send no cookies,
 * so there is nothing to forge and nothing to check.
 * https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html
 */
export function csrfAllows(method: string, viewer: Viewer, header: string | undefined): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return true;
  if (viewer.via === "token") return true;
  if (!viewer.csrf || !header) return false;
  return constantTimeEqual(header, viewer.csrf);
}
