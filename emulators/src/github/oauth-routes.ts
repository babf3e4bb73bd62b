import type { IncomingMessage, ServerResponse } from "node:http";
import { githubToken, hex } from "./ids.js";
import { signInPage, simplePage } from "./oauth-pages.js";
import type { AppRecord, UserRecord } from "./records.js";
import type { World } from "./world.js";

/**
 * GitHub's OAuth web flow for a GitHub App's user-to-server tokens: `/login/oauth/authorize` (here a
 * plain HTML page of the emulator's users as sign-in buttons, or `login=<user>` to pick one directly)
 * redirects to `redirect_uri?code&state`; `POST /login/oauth/access_token` trades the code for a `ghu_`
 * token (8 h) and a `ghr_` refresh token. Errors are 200s with `error`, as on GitHub.
 * https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-user-access-token-for-a-github-app
 */

const CODE_TTL_MS = 10 * 60_000;
const USER_TOKEN_TTL_S = 8 * 3600;
const REFRESH_TTL_S = 15_897_600;
const ERRORS_DOCS =
  "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors";

interface Grant {
  app: AppRecord;
  user: UserRecord;
  redirectUri: string;
  expiresAt: number;
}

export class OAuthRoutes {
  readonly #world: World;
  readonly #now: () => number;
  readonly #codes = new Map<string, Grant>();
  readonly #refreshTokens = new Map<string, Grant>();

  constructor(world: World, now: () => number) {
    this.#world = world;
    this.#now = now;
  }

  /** Answers `/login/oauth/*`; `params` merges the query and a form or JSON body. */
  handle(req: IncomingMessage, res: ServerResponse, path: string, params: URLSearchParams): number {
    if (path === "/login/oauth/authorize" && (req.method === "GET" || req.method === "POST")) {
      return this.#authorize(res, params);
    }
    if (path === "/login/oauth/access_token" && req.method === "POST") {
      const wantsJson = (req.headers.accept ?? "").includes("json");
      const answer =
        params.get("grant_type") === "refresh_token" ? this.#refresh(params) : this.#exchange(params);
      const body = wantsJson
        ? JSON.stringify(answer)
        : new URLSearchParams(answer as Record<string, string>).toString();
      const type = wantsJson
        ? "application/json; charset=utf-8"
        : "application/x-www-form-urlencoded; charset=utf-8";
      res.writeHead(200, { "content-type": type }).end(body);
      return 200;
    }
    return html(res, 404, simplePage("Not Found", "This is not the web page you are looking for."));
  }

  #authorize(res: ServerResponse, params: URLSearchParams): number {
    const app = this.#appByClientId(params.get("client_id"));
    if (!app) return html(res, 404, simplePage("Not Found", "No application with this client_id."));
    const redirectUri = params.get("redirect_uri");
    if (!redirectUri || !URL.canParse(redirectUri)) {
      return html(res, 400, simplePage("Bad request", "The redirect_uri is missing or not a URL."));
    }
    const login = params.get("login");
    if (!login) {
      const users = [...this.#world.users.values()].map((u) => u.login).sort();
      return html(res, 200, signInPage(app.name, users, params));
    }
    const user = this.#world.user(login);
    if (!user) return html(res, 404, simplePage("Not Found", `No user named ${login}.`));
    const code = hex(10);
    this.#codes.set(code, { app, user, redirectUri, expiresAt: this.#now() + CODE_TTL_MS });
    const target = new URL(redirectUri);
    target.searchParams.set("code", code);
    const state = params.get("state");
    if (state !== null) target.searchParams.set("state", state);
    res.writeHead(302, { location: target.toString() }).end();
    return 302;
  }

  #exchange(params: URLSearchParams): Record<string, string | number> {
    const app = this.#client(params);
    if (!app)
      return oauthError(
        "incorrect_client_credentials",
        "The client_id and/or client_secret passed are incorrect.",
      );
    const code = params.get("code") ?? "";
    const grant = this.#codes.get(code);
    this.#codes.delete(code);
    if (!grant || grant.app !== app || grant.expiresAt <= this.#now()) {
      return oauthError("bad_verification_code", "The code passed is incorrect or expired.");
    }
    const redirectUri = params.get("redirect_uri");
    if (redirectUri !== null && redirectUri !== grant.redirectUri) {
      return oauthError(
        "redirect_uri_mismatch",
        "The redirect_uri MUST match the registered callback URL for this application.",
      );
    }
    return this.#issue(grant);
  }

  #refresh(params: URLSearchParams): Record<string, string | number> {
    const app = this.#client(params);
    if (!app)
      return oauthError(
        "incorrect_client_credentials",
        "The client_id and/or client_secret passed are incorrect.",
      );
    const refreshToken = params.get("refresh_token") ?? "";
    const grant = this.#refreshTokens.get(refreshToken);
    this.#refreshTokens.delete(refreshToken);
    if (!grant || grant.app !== app || grant.expiresAt <= this.#now()) {
      return oauthError("bad_refresh_token", "The refresh token passed is incorrect or expired.");
    }
    return this.#issue(grant);
  }

  #issue(grant: Grant): Record<string, string | number> {
    const now = this.#now();
    const token = githubToken("ghu");
    const refreshToken = githubToken("ghr");
    this.#world.tokens.set(token, {
      kind: "user",
      token,
      user: grant.user,
      app: grant.app,
      expiresAt: now + USER_TOKEN_TTL_S * 1000,
    });
    this.#refreshTokens.set(refreshToken, { ...grant, expiresAt: now + REFRESH_TTL_S * 1000 });
    return {
      access_token: token,
      expires_in: USER_TOKEN_TTL_S,
      refresh_token: refreshToken,
      refresh_token_expires_in: REFRESH_TTL_S,
      // GitHub Apps have permissions, not scopes: the scope of their user tokens is empty.
      scope: "",
      token_type: "bearer",
    };
  }

  #client(params: URLSearchParams): AppRecord | undefined {
    const app = this.#appByClientId(params.get("client_id"));
    return app && app.clientSecret === params.get("client_secret") ? app : undefined;
  }

  #appByClientId(clientId: string | null): AppRecord | undefined {
    for (const app of this.#world.apps.values()) if (app.clientId === clientId) return app;
    return undefined;
  }
}

function oauthError(error: string, description: string): Record<string, string> {
  return { error, error_description: description, error_uri: `${ERRORS_DOCS}#${error.replaceAll("_", "-")}` };
}

function html(res: ServerResponse, status: number, body: string): number {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" }).end(body);
  return status;
}
