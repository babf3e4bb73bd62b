import { describe, expect, it } from "vitest";
import { cookiePolicy, isLocalHttp } from "../../../src/dashboard/cookie-policy.js";

describe("cookiePolicy", () => {
  it.each([
    ["http://localhost:3000", false],
    ["http://127.0.0.1:8080", false],
    ["http://[::1]:3000", false],
    ["https://localhost:3000", true],
    ["https://mayfly.example.com", true],
    ["http://mayfly.internal", true],
    ["http://localhost.evil.com", true],
  ])("%s → secure %s", (url, secure) => {
    expect(isLocalHttp(url)).toBe(!secure);
    const policy = cookiePolicy(url, 8 * 3600);
    expect(policy.secure).toBe(secure);
    expect(policy.session.options).toMatchObject({
      httpOnly: true,
      sameSite: "Lax",
      path: "/",
      secure,
      maxAge: 28_800,
    });
    expect(policy.session.name).toBe(secure ? "__Host-mayfly_session" : "mayfly_session");
    expect(policy.state.options).toMatchObject({
      httpOnly: true,
      sameSite: "Lax",
      secure,
      path: "/dashboard/callback",
    });
  });
});
