import { base64url, SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import { createSessionTokens, createStateTokens, viewerFromSession } from "../../../src/dashboard/session.js";
import { ISSUER } from "../../../src/dashboard/signed-token.js";

const KEY = new TextEncoder().encode("k".repeat(32));
const OTHER_KEY = new TextEncoder().encode("o".repeat(32));
const PUBLIC_URL = "https://mayfly.example.com";
const T0 = 1_700_000_000_000;
const CSRF = "c".repeat(32);

function tokens(now = () => T0, key = KEY) {
  return createSessionTokens({ key, publicUrl: PUBLIC_URL, now });
}

/** A token with the right claims, signed (or not) however the test says. */
async function forge(sign: (jwt: SignJWT) => Promise<string>, claims: Record<string, unknown> = {}) {
  const iat = Math.floor(T0 / 1000);
  return sign(
    new SignJWT({ orgs: ["acme"], csrf: CSRF, ...claims })
      .setIssuer(ISSUER)
      .setAudience(`${PUBLIC_URL}/dashboard#session`)
      .setSubject("mallory")
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600),
  );
}

describe("session tokens", () => {
  it("round-trips the claims of a fresh session, with an 8 h expiry", async () => {
    const token = await tokens().issue("alice", { orgs: ["acme"], csrf: CSRF });
    const claims = await tokens().verify(token);
    expect(claims).toMatchObject({ sub: "alice", orgs: ["acme"], csrf: CSRF });
    expect((claims?.exp ?? 0) - (claims?.iat ?? 0)).toBe(8 * 3600);
    expect(await viewerFromSession(tokens(), token)).toEqual({
      login: "alice",
      via: "session",
      orgs: ["acme"],
      csrf: CSRF,
    });
  });

  it("accepts orgs: all (the operator team)", async () => {
    const token = await tokens().issue("ops", { orgs: "all", csrf: CSRF });
    expect((await tokens().verify(token))?.orgs).toBe("all");
  });

  it("refuses an expired session", async () => {
    const token = await tokens().issue("alice", { orgs: ["acme"], csrf: CSRF });
    expect(await tokens(() => T0 + 8 * 3_600_000 - 1000).verify(token)).toBeDefined();
    expect(await tokens(() => T0 + 8 * 3_600_000 + 1000).verify(token)).toBeUndefined();
  });

  it("refuses a token signed with another key", async () => {
    const token = await tokens(() => T0, OTHER_KEY).issue("alice", { orgs: "all", csrf: CSRF });
    expect(await tokens().verify(token)).toBeUndefined();
  });

  it("refuses a forged signature (claims changed after signing)", async () => {
    const token = await tokens().issue("alice", { orgs: ["acme"], csrf: CSRF });
    const [header, , signature] = token.split(".");
    const payload = base64url.encode(
      JSON.stringify({
        ...JSON.parse(new TextDecoder().decode(base64url.decode(token.split(".")[1] ?? ""))),
        orgs: "all",
      }),
    );
    expect(await tokens().verify(`${header}.${payload}.${signature}`)).toBeUndefined();
  });

  it("refuses alg none", async () => {
    const iat = Math.floor(T0 / 1000);
    const unsecured = new UnsecuredJWT({ orgs: "all", csrf: CSRF })
      .setIssuer(ISSUER)
      .setAudience(`${PUBLIC_URL}/dashboard#session`)
      .setSubject("mallory")
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .encode();
    expect(unsecured.endsWith(".")).toBe(true);
    expect(await tokens().verify(unsecured)).toBeUndefined();
  });

  it("refuses another HMAC algorithm even with the right key", async () => {
    const hs512 = await forge((jwt) =>
      jwt.setProtectedHeader({ alg: "HS512" }).sign(new Uint8Array(64).fill(107)),
    );
    const hs384 = await forge((jwt) => jwt.setProtectedHeader({ alg: "HS384" }).sign(KEY));
    expect(await tokens().verify(hs512)).toBeUndefined();
    expect(await tokens().verify(hs384)).toBeUndefined();
    // The same construction with HS256 is accepted, so the refusals above are about the algorithm.
    expect(
      await tokens().verify(await forge((jwt) => jwt.setProtectedHeader({ alg: "HS256" }).sign(KEY))),
    ).toBeDefined();
  });

  it("refuses a token with malformed claims or another audience (a state token is not a session)", async () => {
    const badClaims = await forge((jwt) => jwt.setProtectedHeader({ alg: "HS256" }).sign(KEY), { orgs: 42 });
    expect(await tokens().verify(badClaims)).toBeUndefined();
    const state = await createStateTokens({ key: KEY, publicUrl: PUBLIC_URL, now: () => T0 }).issue("oauth", {
      state: "s".repeat(32),
    });
    expect(await tokens().verify(state)).toBeUndefined();
  });

  it.each([[undefined], [""], ["not.a.jwt"], ["x".repeat(10_000)]])("refuses garbage: %s", async (token) => {
    expect(await tokens().verify(token)).toBeUndefined();
  });
});

describe("state tokens", () => {
  it("live ten minutes", async () => {
    const issue = createStateTokens({ key: KEY, publicUrl: PUBLIC_URL, now: () => T0 });
    const token = await issue.issue("oauth", { state: "s".repeat(32) });
    const at = (ms: number) => createStateTokens({ key: KEY, publicUrl: PUBLIC_URL, now: () => T0 + ms });
    expect((await at(599_000).verify(token))?.state).toBe("s".repeat(32));
    expect(await at(601_000).verify(token)).toBeUndefined();
  });
});
