import { createAuthenticator } from "./authenticate.js";
import { cookiePolicy } from "./cookie-policy.js";
import type { DashboardConfig } from "./dashboard-deps.js";
import type { GitHubSignInOptions } from "./github-sign-in.js";
import { createGitHubSignIn } from "./github-sign-in.js";
import { createSessionTokens, createStateTokens, SESSION_TTL_SECONDS } from "./session.js";

/**
 * The dashboard's authentication parts from config. Sign-in needs the OAuth client and the session key;
 * without them the pages say sign-in is not configured and only the bearer token (if set) opens the API.
 */
export function createDashboardAuth(
  config: DashboardConfig,
  deps: Pick<GitHubSignInOptions, "fetch" | "installations"> & { now: () => number },
) {
  const { now } = deps;
  const key = config.dashboard.sessionKey;
  const cookies = cookiePolicy(config.publicUrl, SESSION_TTL_SECONDS);
  const sessions = key ? createSessionTokens({ key, publicUrl: config.publicUrl, now }) : undefined;
  const states = key ? createStateTokens({ key, publicUrl: config.publicUrl, now }) : undefined;
  const { clientId, clientSecret, webUrl, apiUrl } = config.github;
  const signIn =
    clientId && clientSecret
      ? createGitHubSignIn({
          fetch: deps.fetch,
          webUrl,
          apiUrl,
          clientId,
          clientSecret,
          team: config.dashboard.team,
          installations: deps.installations,
        })
      : undefined;
  const authenticator = createAuthenticator({
    sessions,
    token: config.dashboard.token,
    sessionCookie: cookies.session.name,
  });
  return { cookies, sessions, states, signIn, authenticator };
}
