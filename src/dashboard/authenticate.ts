import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import { constantTimeEqual } from "./constant-time-equal.js";
import { CSRF_HEADER, csrfAllows } from "./csrf.js";
import type { DashboardEnv } from "./dashboard-env.js";
import { type SessionTokens, viewerFromSession } from "./session.js";
import { TOKEN_VIEWER, type Viewer } from "./viewer.js";

/**
 * Who is calling: `Authorization: Bearer <MAYFLY_DASHBOARD_TOKEN>` (headless API use), else the session
 * cookie. A request that presents a bearer token is judged by it alone: a wrong one is refused even if a
 * valid cookie rides along.
 */
export function createAuthenticator(deps: {
  sessions?: SessionTokens;
  token?: string;
  sessionCookie: string;
}) {
  async function resolve(c: Context): Promise<Viewer | "bad-token" | undefined> {
    const authorization = c.req.header("authorization");
    if (authorization !== undefined) {
      const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(authorization);
      if (!match?.[1] || !deps.token || !constantTimeEqual(match[1], deps.token)) return "bad-token";
      return TOKEN_VIEWER;
    }
    if (!deps.sessions) return undefined;
    return viewerFromSession(deps.sessions, getCookie(c, deps.sessionCookie));
  }

  /** API routes: 401 without credentials, 403 for a state-changing session request without its CSRF token. */
  const api: MiddlewareHandler<DashboardEnv> = async (c, next) => {
    const viewer = await resolve(c);
    if (viewer === undefined || viewer === "bad-token") {
      c.header("www-authenticate", 'Bearer realm="mayfly"');
      throw new HTTPException(401, {
        message: viewer ? "invalid bearer token" : "sign in or send a bearer token",
      });
    }
    if (!csrfAllows(c.req.method, viewer, c.req.header(CSRF_HEADER))) {
      throw new HTTPException(403, { message: `missing or wrong ${CSRF_HEADER} header` });
    }
    c.set("viewer", viewer);
    await next();
  };

  /** Pages: a session or a redirect to sign-in (bearer tokens are for the API, not for browsers). */
  const page: MiddlewareHandler<DashboardEnv> = async (c, next) => {
    const viewer = deps.sessions
      ? await viewerFromSession(deps.sessions, getCookie(c, deps.sessionCookie))
      : undefined;
    if (!viewer) return c.redirect("/dashboard/login", 302);
    c.set("viewer", viewer);
    await next();
  };

  return { api, page };
}
export type Authenticator = ReturnType<typeof createAuthenticator>;
