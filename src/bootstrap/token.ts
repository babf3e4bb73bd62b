import { createHash } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";

/**
 * The one-time bootstrap token in user-data (DESIGN.md "bootstrap"): an HS256 JWT naming the launch,
 * pool and org, valid for the pool's boot timeout. It is single-use in effect because the runner is named
 * after the instance and GitHub answers 409 to a second JIT config for that name; it is bound to the
 * launch because the instance must carry the same `mayfly:launch` tag.
 * Rotation: sign with the first key; verify with any configured key (the previous one stays accepted for
 * one token lifetime while it is rotated out).
 */

export const BOOTSTRAP_AUDIENCE = "mayfly-bootstrap";
const ALGORITHM = "HS256";
const CLOCK_TOLERANCE_SECONDS = 30;
/** One token per launch: far more than a burst's launches in flight. */
const MAX_REMEMBERED = 10_000;

export const bootstrapClaimsSchema = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  jti: z.string().min(1),
  iat: z.number(),
  exp: z.number(),
  pool: z.string().min(1),
  org: z.string().min(1),
  launch: z.string().min(1),
  installation: z.number().int().positive(),
});
export type BootstrapClaims = z.infer<typeof bootstrapClaimsSchema>;

export interface TokenIssuer {
  issue(claims: {
    pool: string;
    org: string;
    installation: number;
    launch: string;
    ttlSeconds: number;
  }): Promise<string>;
}

export type TokenCheck =
  | { ok: true; claims: BootstrapClaims }
  | { ok: false; reason: "token-expired" | "token-invalid"; detail: string };

export interface TokenVerifier {
  verify(token: string): Promise<TokenCheck>;
}

export function keyId(key: Uint8Array): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}

export function createTokenIssuer(options: {
  keys: readonly Uint8Array[];
  issuer: string;
  now?: () => number;
}): TokenIssuer {
  const [key] = options.keys;
  if (!key || key.length < 32) throw new Error("bootstrap signing key must hold at least 32 bytes");
  const now = options.now ?? Date.now;
  const kid = keyId(key);
  return {
    issue: ({ pool, org, installation, launch, ttlSeconds }) => {
      const iat = Math.floor(now() / 1000);
      return new SignJWT({ pool, org, installation, launch })
        .setProtectedHeader({ alg: ALGORITHM, typ: "JWT", kid })
        .setIssuer(options.issuer)
        .setAudience(BOOTSTRAP_AUDIENCE)
        .setJti(launch)
        .setIssuedAt(iat)
        .setNotBefore(iat - CLOCK_TOLERANCE_SECONDS)
        .setExpirationTime(iat + ttlSeconds)
        .sign(key);
    },
  };
}

export function createTokenVerifier(options: {
  keys: readonly Uint8Array[];
  issuer: string;
  now?: () => number;
}): TokenVerifier {
  const now = options.now ?? Date.now;
  const byKid = new Map(options.keys.map((k) => [keyId(k), k]));
  // Tokens that verified, by their exact text. Every instance of a launch presents the same token and an
  // instance waiting for GitHub's budget presents it again every 30 s; the signature's answer cannot
  // change while the keys do not (they are fixed for the process), so a known token repeats only the
  // time checks. jose's WebCrypto verify was 4.6% of the 300-job burst's CPU (issue 15).
  const verified = new Map<string, { claims: BootstrapClaims; nbf: number }>();
  return {
    async verify(token) {
      const known = verified.get(token);
      if (known) {
        const at = now() / 1000;
        if (at > known.claims.exp + CLOCK_TOLERANCE_SECONDS) {
          verified.delete(token);
          return { ok: false, reason: "token-expired", detail: "token expired" };
        }
        if (at >= known.nbf - CLOCK_TOLERANCE_SECONDS) return { ok: true, claims: known.claims };
      }
      let lastError: unknown;
      for (const key of candidates(token, byKid, options.keys)) {
        try {
          const { payload } = await jwtVerify(token, key, {
            algorithms: [ALGORITHM],
            issuer: options.issuer,
            audience: BOOTSTRAP_AUDIENCE,
            requiredClaims: ["jti", "iat", "exp", "nbf"],
            clockTolerance: CLOCK_TOLERANCE_SECONDS,
            currentDate: new Date(now()),
          });
          const claims = bootstrapClaimsSchema.safeParse(payload);
          if (!claims.success)
            return { ok: false, reason: "token-invalid", detail: "token lacks pool/org/launch claims" };
          verified.set(token, { claims: claims.data, nbf: Number(payload.nbf) });
          if (verified.size > MAX_REMEMBERED) verified.delete(verified.keys().next().value as string);
          return { ok: true, claims: claims.data };
        } catch (error) {
          lastError = error;
          if (error instanceof errors.JWTExpired)
            return { ok: false, reason: "token-expired", detail: "token expired" };
          if (!(error instanceof errors.JWSSignatureVerificationFailed)) break;
        }
      }
      const code = (lastError as { code?: string })?.code ?? (lastError as Error)?.name ?? "unknown";
      return { ok: false, reason: "token-invalid", detail: `token rejected (${code})` };
    },
  };
}

/** The key named by the token's `kid` first, then the others (a token without kid tries every key). */
function candidates(
  token: string,
  byKid: Map<string, Uint8Array>,
  keys: readonly Uint8Array[],
): Uint8Array[] {
  try {
    const header = JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8")) as {
      kid?: unknown;
    };
    const named = typeof header.kid === "string" ? byKid.get(header.kid) : undefined;
    return named ? [named, ...keys.filter((k) => k !== named)] : [...keys];
  } catch {
    return [...keys];
  }
}
