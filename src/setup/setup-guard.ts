import { createHmac, randomBytes } from "node:crypto";
import { constantTimeEqual } from "../dashboard/constant-time-equal.js";

/**
 * What keeps setup mode to the admin: the one-time setup token (printed in the log; a stack output says
 * where to read it), a session cookie signed with a key derived from it, a CSRF field and the manifest
 * flow's `state`, both bound to that session. A second replica with the same token accepts the same
 * session, so the callback may land on either.
 */
export interface SetupGuard {
  tokenMatches(given: string): boolean;
  /** A new session: the cookie value. */
  open(): string;
  /** The session id of a cookie value this guard signed, else undefined. */
  session(cookie: string | undefined): string | undefined;
  csrf(session: string): string;
  state(session: string): string;
  /** True for `Origin`/`Sec-Fetch-Site` that say the request comes from PUBLIC_URL's own pages. */
  sameOrigin(headers: { origin?: string; secFetchSite?: string }): boolean;
}

export function createSetupGuard(deps: { token: string; publicUrl: string }): SetupGuard {
  const key = createHmac("sha256", deps.token).update("mayfly setup session v1").digest();
  const mac = (what: string, session: string) =>
    createHmac("sha256", key).update(`${what}:${session}`).digest("base64url");
  const origin = new URL(deps.publicUrl).origin;
  return {
    tokenMatches: (given) => constantTimeEqual(given.trim(), deps.token),
    open() {
      const session = randomBytes(18).toString("base64url");
      return `${session}.${mac("session", session)}`;
    },
    session(cookie) {
      const [session, signature, extra] = (cookie ?? "").split(".");
      if (!session || !signature || extra !== undefined) return undefined;
      return constantTimeEqual(signature, mac("session", session)) ? session : undefined;
    },
    csrf: (session) => mac("csrf", session),
    state: (session) => mac("state", session),
    sameOrigin({ origin: given, secFetchSite }) {
      // Browsers send Sec-Fetch-Site on every request (https://w3c.github.io/webappsec-fetch-metadata/)
      // and Origin on every POST; either naming another site is a cross-site request.
      if (secFetchSite !== undefined && secFetchSite !== "same-origin") return false;
      if (given !== undefined) return given === origin;
      return secFetchSite === "same-origin";
    },
  };
}
