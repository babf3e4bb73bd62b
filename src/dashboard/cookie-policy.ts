import type { CookieOptions } from "hono/utils/cookie";

/**
 * Cookie names and flags. Secure everywhere except a plain-http localhost, where browsers would drop a
 * Secure cookie; with Secure, the session cookie takes the `__Host-` prefix so no subdomain can set or
 * shadow it (https://developer.mozilla.org/docs/Web/HTTP/Cookies#cookie_prefixes).
 */
export interface CookiePolicy {
  secure: boolean;
  session: { name: string; options: CookieOptions };
  state: { name: string; options: CookieOptions };
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function isLocalHttp(publicUrl: string): boolean {
  if (!URL.canParse(publicUrl)) return false;
  const url = new URL(publicUrl);
  return url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname);
}

export function cookiePolicy(publicUrl: string, sessionTtlSeconds: number): CookiePolicy {
  const secure = !isLocalHttp(publicUrl);
  return {
    secure,
    session: {
      name: secure ? "__Host-mayfly_session" : "mayfly_session",
      options: { httpOnly: true, sameSite: "Lax", secure, path: "/", maxAge: sessionTtlSeconds },
    },
    state: {
      name: "mayfly_oauth_state",
      // Lax: the callback is a top-level GET navigation from GitHub, which Lax cookies accompany.
      options: { httpOnly: true, sameSite: "Lax", secure, path: "/dashboard/callback", maxAge: 600 },
    },
  };
}
