import { describe, expect, it } from "vitest";
import { csrfAllows } from "../../../src/dashboard/csrf.js";
import { TOKEN_VIEWER, type Viewer } from "../../../src/dashboard/viewer.js";

const CSRF = "a".repeat(43);
const session: Viewer = { login: "alice", via: "session", orgs: ["acme"], csrf: CSRF };

describe("csrfAllows", () => {
  it.each([
    ["GET needs no token", "GET", session, undefined, true],
    ["HEAD needs no token", "HEAD", session, undefined, true],
    ["POST with the session's token", "POST", session, CSRF, true],
    ["POST without a token", "POST", session, undefined, false],
    ["POST with an empty token", "POST", session, "", false],
    ["POST with another token", "POST", session, "b".repeat(43), false],
    ["POST with a prefix of the token", "POST", session, CSRF.slice(0, 20), false],
    ["DELETE is state-changing too", "DELETE", session, undefined, false],
    ["lower-case method names count", "post", session, undefined, false],
    ["a session without a csrf claim is refused", "POST", { ...session, csrf: undefined }, CSRF, false],
    ["bearer-token callers are exempt (no cookies)", "POST", TOKEN_VIEWER, undefined, true],
  ] as const)("%s", (_, method, viewer, header, allowed) => {
    expect(csrfAllows(method, viewer, header)).toBe(allowed);
  });
});
