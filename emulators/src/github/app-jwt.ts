import { verify } from "node:crypto";
import type { AppRecord } from "./records.js";

/**
 * Verifies a GitHub App JWT the way GitHub does and answers with GitHub's 401 messages. The two time
 * messages matter beyond wording: @octokit/auth-app matches them to detect clock skew and retries with
 * a corrected clock read from the answer's `Date` header (auth-app `isNotTimeSkewError`).
 * https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
 */

export const JWT_MESSAGES = {
  undecodable: "A JSON web token could not be decoded",
  issuer: "'Issuer' claim ('iss') must be an Integer",
  unknownApp: "Integration not found",
  issuedAt:
    "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
  expired:
    "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
  tooLong: "'Expiration time' claim ('exp') is too far in the future",
} as const;

/** GitHub allows JWTs of at most 10 minutes. */
const MAX_LIFETIME_S = 600;
/** Tolerated clock drift for `iat` in the future. */
const SKEW_S = 60;

export type JwtVerdict = { ok: true; app: AppRecord } | { ok: false; message: string };

export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);
}

export function verifyAppJwt(
  jwt: string,
  findApp: (iss: number | string) => AppRecord | undefined,
  nowSeconds: number,
): JwtVerdict {
  const [headerPart, claimsPart, signaturePart] = jwt.split(".");
  const header = decodeJson(headerPart);
  const claims = decodeJson(claimsPart);
  if (!header || !claims || signaturePart === undefined || header.alg !== "RS256") {
    return { ok: false, message: JWT_MESSAGES.undecodable };
  }
  const iss = claims.iss;
  if (typeof iss !== "number" && typeof iss !== "string") return { ok: false, message: JWT_MESSAGES.issuer };
  // `iss` may be the app id (number or numeric string) or, since 2024, the app's client id.
  const app = findApp(typeof iss === "string" && /^\d+$/.test(iss) ? Number(iss) : iss);
  if (!app) return { ok: false, message: JWT_MESSAGES.unknownApp };

  const signed = Buffer.from(`${headerPart}.${claimsPart}`);
  const signature = Buffer.from(signaturePart, "base64url");
  let valid = false;
  try {
    valid = verify("RSA-SHA256", signed, app.publicKey, signature);
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, message: JWT_MESSAGES.undecodable };

  const { iat, exp } = claims;
  if (typeof iat !== "number" || !Number.isInteger(iat) || iat > nowSeconds + SKEW_S) {
    return { ok: false, message: JWT_MESSAGES.issuedAt };
  }
  if (typeof exp !== "number" || exp <= nowSeconds) return { ok: false, message: JWT_MESSAGES.expired };
  if (exp - iat > MAX_LIFETIME_S || exp > nowSeconds + MAX_LIFETIME_S + SKEW_S) {
    return { ok: false, message: JWT_MESSAGES.tooLong };
  }
  return { ok: true, app };
}

function decodeJson(part: string | undefined): Record<string, unknown> | undefined {
  if (!part) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
