import { jwtVerify, SignJWT } from "jose";
import type { z } from "zod";

/**
 * Short-lived HS256 JWTs for the dashboard's cookies (jose). Verification pins the algorithm (no `none`,
 * no RS/HS confusion), the issuer and the audience (so a token minted for one cookie is refused as
 * another), checks `exp` against the injected clock, and parses the claims with a schema. Any failure is
 * "no token": callers never see why, and never act on unverified claims.
 */
export const ISSUER = "mayfly-dashboard";

export interface SignedTokens<T> {
  issue(subject: string, claims: T): Promise<string>;
  verify(token: string | undefined): Promise<(T & { sub: string; iat: number; exp: number }) | undefined>;
  readonly ttlSeconds: number;
}

export function createSignedTokens<S extends z.ZodType<Record<string, unknown>>>(options: {
  key: Uint8Array;
  audience: string;
  ttlSeconds: number;
  schema: S;
  now: () => number;
}): SignedTokens<z.infer<S>> {
  const { key, audience, ttlSeconds, schema, now } = options;
  return {
    ttlSeconds,
    async issue(subject, claims) {
      const iat = Math.floor(now() / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setIssuer(ISSUER)
        .setAudience(audience)
        .setSubject(subject)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .sign(key);
    },
    async verify(token) {
      if (!token || token.length > 8192) return undefined;
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ["HS256"],
          issuer: ISSUER,
          audience,
          requiredClaims: ["sub", "iat", "exp"],
          currentDate: new Date(now()),
        });
        const claims = schema.safeParse(payload);
        if (!claims.success || !payload.sub || payload.iat === undefined || payload.exp === undefined) {
          return undefined;
        }
        return { ...claims.data, sub: payload.sub, iat: payload.iat, exp: payload.exp };
      } catch {
        return undefined;
      }
    },
  };
}
