import { z } from "zod";
import { createSignedTokens, type SignedTokens } from "./signed-token.js";
import type { Viewer } from "./viewer.js";

/**
 * The dashboard session: a signed cookie, no server-side store (DESIGN.md "no database"). Claims: sub =
 * GitHub login, orgs = the installed orgs the user administers (or "all" for the operator team), csrf =
 * a random token the page echoes in `x-csrf-token`. Eight hours, like GitHub's own user tokens; the
 * GitHub token itself is never stored.
 */
export const SESSION_TTL_SECONDS = 8 * 3600;

const sessionClaims = z.object({
  orgs: z.union([z.literal("all"), z.array(z.string().min(1)).max(1000)]),
  csrf: z.string().min(16).max(128),
});
export type SessionClaims = z.infer<typeof sessionClaims>;

export type SessionTokens = SignedTokens<SessionClaims>;

export function createSessionTokens(options: {
  key: Uint8Array;
  publicUrl: string;
  now: () => number;
  ttlSeconds?: number;
}): SessionTokens {
  return createSignedTokens({
    key: options.key,
    audience: `${options.publicUrl}/dashboard#session`,
    ttlSeconds: options.ttlSeconds ?? SESSION_TTL_SECONDS,
    schema: sessionClaims,
    now: options.now,
  });
}

export async function viewerFromSession(
  sessions: SessionTokens,
  token: string | undefined,
): Promise<Viewer | undefined> {
  const claims = await sessions.verify(token);
  return claims && { login: claims.sub, via: "session", orgs: claims.orgs, csrf: claims.csrf };
}

const stateClaims = z.object({ state: z.string().min(16).max(128) });

/** The OAuth `state`, bound to the browser by a ten-minute signed cookie (RFC 6749 §10.12). */
export function createStateTokens(options: { key: Uint8Array; publicUrl: string; now: () => number }) {
  return createSignedTokens({
    key: options.key,
    audience: `${options.publicUrl}/dashboard#oauth-state`,
    ttlSeconds: 600,
    schema: stateClaims,
    now: options.now,
  });
}
