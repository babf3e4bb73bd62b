import { randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { BOOTSTRAP_AUDIENCE, createTokenIssuer, createTokenVerifier } from "../../../src/bootstrap/token.js";

const key = new Uint8Array(randomBytes(32));
const previous = new Uint8Array(randomBytes(48));
const issuer = "mayfly:test";
const claims = { pool: "linux", org: "acme", installation: 42, launch: "launch-1", ttlSeconds: 300 };
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

describe("bootstrap tokens", () => {
  it("round-trips the claims that bind a token to its launch", async () => {
    const token = await createTokenIssuer({ keys: [key], issuer, now: () => T0 }).issue(claims);
    const check = await createTokenVerifier({ keys: [key], issuer, now: () => T0 + 1000 }).verify(token);
    expect(check).toMatchObject({
      ok: true,
      claims: { pool: "linux", org: "acme", installation: 42, launch: "launch-1", jti: "launch-1" },
    });
  });

  it.each([
    ["expired past the clock tolerance", T0 + 331_000, "token-expired"],
    ["used before it was issued (beyond tolerance)", T0 - 61_000, "token-invalid"],
  ])("refuses a token %s", async (_, at, reason) => {
    const token = await createTokenIssuer({ keys: [key], issuer, now: () => T0 }).issue(claims);
    const check = await createTokenVerifier({ keys: [key], issuer, now: () => at }).verify(token);
    expect(check).toMatchObject({ ok: false, reason });
  });

  it("accepts a token just inside the 30 s clock tolerance", async () => {
    const token = await createTokenIssuer({ keys: [key], issuer, now: () => T0 }).issue(claims);
    const check = await createTokenVerifier({ keys: [key], issuer, now: () => T0 + 329_000 }).verify(token);
    expect(check.ok).toBe(true);
  });

  it("accepts the previous key during rotation, and refuses once it is removed", async () => {
    const old = await createTokenIssuer({ keys: [previous], issuer, now: () => T0 }).issue(claims);
    const during = createTokenVerifier({ keys: [key, previous], issuer, now: () => T0 });
    const after = createTokenVerifier({ keys: [key], issuer, now: () => T0 });
    expect((await during.verify(old)).ok).toBe(true);
    expect(await after.verify(old)).toMatchObject({ ok: false, reason: "token-invalid" });
  });

  it.each<[string, { iss?: string; aud?: string }]>([
    ["another issuer", { iss: "mayfly:other" }],
    ["another audience", { aud: "someone-else" }],
  ])("refuses a token for %s", async (_, override) => {
    const token = await new SignJWT({ pool: "linux", org: "acme", installation: 42, launch: "l" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(override.iss ?? issuer)
      .setAudience(override.aud ?? BOOTSTRAP_AUDIENCE)
      .setJti("l")
      .setIssuedAt(T0 / 1000)
      .setNotBefore(T0 / 1000)
      .setExpirationTime(T0 / 1000 + 300)
      .sign(key);
    expect(await createTokenVerifier({ keys: [key], issuer, now: () => T0 }).verify(token)).toMatchObject({
      ok: false,
    });
  });

  it("answers a token seen before without verifying again, but still on the clock", async () => {
    let at = T0;
    const verifier = createTokenVerifier({ keys: [key], issuer, now: () => at });
    const token = await createTokenIssuer({ keys: [key], issuer, now: () => T0 }).issue(claims);
    expect((await verifier.verify(token)).ok).toBe(true);
    at = T0 + 329_000;
    expect(await verifier.verify(token)).toMatchObject({ ok: true, claims: { launch: "launch-1" } });
    at = T0 + 331_000;
    expect(await verifier.verify(token)).toMatchObject({ ok: false, reason: "token-expired" });
    // A token that differs in one character of its signature is not the remembered one.
    const tampered = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
    at = T0;
    expect(await verifier.verify(tampered)).toMatchObject({ ok: false, reason: "token-invalid" });
  });

  it("refuses alg none, another algorithm, tampering and garbage", async () => {
    const verifier = createTokenVerifier({ keys: [key], issuer, now: () => T0 });
    const good = await createTokenIssuer({ keys: [key], issuer, now: () => T0 }).issue(claims);
    const [header, payload, signature] = good.split(".");
    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`;
    const hs512 = await new SignJWT({ pool: "linux", org: "acme", installation: 42, launch: "l" })
      .setProtectedHeader({ alg: "HS512" })
      .setIssuer(issuer)
      .setAudience(BOOTSTRAP_AUDIENCE)
      .setJti("l")
      .setIssuedAt(T0 / 1000)
      .setNotBefore(T0 / 1000)
      .setExpirationTime(T0 / 1000 + 300)
      .sign(new Uint8Array(randomBytes(64)));
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, "base64url").toString()), pool: "gpu" }),
    ).toString("base64url");
    for (const token of [none, hs512, `${header}.${forgedPayload}.${signature}`, "not-a-jwt", ""]) {
      expect(await verifier.verify(token)).toMatchObject({ ok: false, reason: "token-invalid" });
    }
  });

  it("refuses a signing key shorter than 32 bytes", () => {
    expect(() => createTokenIssuer({ keys: [new Uint8Array(16)], issuer })).toThrow(/32 bytes/);
  });
});
