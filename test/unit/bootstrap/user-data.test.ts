import { describe, expect, it } from "vitest";
import { parseUserData, renderUserData } from "../../../src/bootstrap/user-data.js";

describe("user-data", () => {
  const values = {
    appUrl: "https://mayfly.example.com",
    token: "eyJhbGciOiJIUzI1NiJ9.e30.sig",
    pool: "linux",
    maxLifetimeSeconds: 23_400,
    bootTimeoutSeconds: 300,
  };

  it("holds only the app URL, the one-time token, the pool, the lifetime, the boot timeout and the IMDS rule", () => {
    const text = renderUserData(values);
    expect(parseUserData(text)).toEqual({
      MAYFLY_URL: values.appUrl,
      MAYFLY_BOOTSTRAP_TOKEN: values.token,
      MAYFLY_POOL: "linux",
      MAYFLY_MAX_LIFETIME_SECONDS: "23400",
      MAYFLY_BOOT_TIMEOUT_SECONDS: "300",
      MAYFLY_JOB_IMDS: "block",
    });
    expect(text).not.toMatch(/jitconfig|ghs_|ghp_|PRIVATE KEY/i);
    expect(Buffer.byteLength(text)).toBeLessThan(16 * 1024);
  });

  it.each([
    [undefined, "block"],
    ["block", "block"],
    ["allow", "allow"],
  ] as const)("pool jobImds %s renders MAYFLY_JOB_IMDS='%s'", (jobImds, rendered) => {
    expect(parseUserData(renderUserData({ ...values, jobImds })).MAYFLY_JOB_IMDS).toBe(rendered);
  });

  it.each([
    ["a quote", "a'b"],
    ["a newline", "a\nMAYFLY_URL='evil'"],
  ])("refuses a value with %s", (_, bad) => {
    expect(() => renderUserData({ ...values, pool: bad })).toThrow(/quotes or newlines/);
  });

  it("ignores lines that are not MAYFLY_ assignments", () => {
    expect(parseUserData("#!/bin/sh\nrm -rf /\nOTHER='x'\nMAYFLY_POOL='p'\n")).toEqual({ MAYFLY_POOL: "p" });
  });
});
