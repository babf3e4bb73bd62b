import { randomBytes } from "node:crypto";
import type { Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import { constantTimeEqual } from "./constant-time-equal.js";
import type { CookiePolicy } from "./cookie-policy.js";
import { CSRF_HEADER, csrfAllows } from "./csrf.js";
import type { DashboardEnv } from "./dashboard-env.js";
import { type GitHubSignIn, SignInError } from "./github-sign-in.js";
import { callbackQuery } from "./inputs.js";
import { messagePage } from "./pages.js";
import { type createStateTokens, type SessionTokens, viewerFromSession } from "./session.js";

/**
 * Sign-in with GitHub (OAuth web flow), sign-out, and the pages around them. `login` binds a random
 * `state` to the browser in a signed ten-minute cookie; `callback` accepts only that state, trades the
 * code, decides access, and sets the session cookie. Every refusal is a page that says why.
 */
export interface AuthRouteDeps {
  signIn?: GitHubSignIn;
  sessions?: SessionTokens;
  states?: ReturnType<typeof createStateTokens>;
  cookies: CookiePolicy;
  publicUrl: string;
  assetVersion: string;
  log: Logger;
}

const random = () => randomBytes(24).toString("base64url");

export function mountAuthRoutes(app: Hono<DashboardEnv>, deps: AuthRouteDeps): void {
  const { cookies } = deps;
  const redirectUri = `${deps.publicUrl}/dashboard/callback`;
  const page = (c: Context, status: 200 | 400 | 403 | 502 | 503, title: string, text: string, retry = true) =>
    c.html(
      messagePage({
        title,
        text,
        assetVersion: deps.assetVersion,
        action: retry ? { href: "/dashboard/login", label: "Sign in with GitHub" } : undefined,
      }),
      status,
    );

  app.get("/dashboard/login", async (c) => {
    if (!deps.signIn || !deps.states) {
      return page(
        c,
        503,
        "Sign-in is not configured",
        "Set GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET and MAYFLY_SESSION_KEY, or use the API with MAYFLY_DASHBOARD_TOKEN.",
        false,
      );
    }
    const state = random();
    setCookie(c, cookies.state.name, await deps.states.issue("oauth", { state }), cookies.state.options);
    return c.redirect(deps.signIn.authorizeUrl(state, redirectUri), 302);
  });

  app.get("/dashboard/callback", async (c) => {
    if (!deps.signIn || !deps.states || !deps.sessions)
      return page(c, 503, "Sign-in is not configured", "", false);
    const bound = await deps.states.verify(getCookie(c, cookies.state.name));
    deleteCookie(c, cookies.state.name, { path: cookies.state.options.path, secure: cookies.secure });
    const query = callbackQuery.safeParse(c.req.query());
    if (!query.success) return page(c, 400, "Sign-in failed", "The callback from GitHub was malformed.");
    if ("error" in query.data)
      return page(c, 403, "Sign-in cancelled", "GitHub did not authorize the sign-in.");
    if (!bound || !constantTimeEqual(query.data.state, bound.state)) {
      deps.log.info("dashboard sign-in refused: state mismatch or expired");
      return page(
        c,
        403,
        "Sign-in expired",
        "This sign-in did not start here or took too long. Please start again.",
      );
    }
    try {
      const { login, access } = await deps.signIn.complete(query.data.code, redirectUri);
      if (!access.allow) {
        deps.log.info({ login, reason: access.reason }, "dashboard sign-in refused");
        return page(
          c,
          403,
          "Access denied",
          `${access.reason}. Ask an org owner to make you an admin, or to add you to the operator team.`,
          false,
        );
      }
      const token = await deps.sessions.issue(login, { orgs: access.orgs, csrf: random() });
      setCookie(c, cookies.session.name, token, cookies.session.options);
      deps.log.info({ login, orgs: access.orgs }, "dashboard sign-in");
      return c.redirect("/dashboard", 302);
    } catch (error) {
      deps.log.warn({ err: error }, "dashboard sign-in failed");
      const known = error instanceof SignInError ? error : undefined;
      const text = known?.userFacing ?? "Something went wrong while signing in.";
      return page(c, known?.status ?? 502, "Sign-in failed", `${text} Please try again.`);
    }
  });

  /** A session's logout must carry its CSRF token (no forced logouts); without a session it just clears. */
  app.post("/dashboard/logout", async (c) => {
    const viewer =
      deps.sessions && (await viewerFromSession(deps.sessions, getCookie(c, cookies.session.name)));
    if (viewer && !csrfAllows("POST", viewer, c.req.header(CSRF_HEADER))) {
      throw new HTTPException(403, { message: `missing or wrong ${CSRF_HEADER} header` });
    }
    deleteCookie(c, cookies.session.name, { path: "/", secure: cookies.secure });
    if (viewer) deps.log.info({ login: viewer.login }, "dashboard sign-out");
    return c.body(null, 204);
  });

  app.get("/dashboard/signed-out", (c) =>
    page(c, 200, "Signed out", "You have signed out of the Mayfly dashboard."),
  );
}
