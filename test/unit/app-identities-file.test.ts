import { describe, expect, it } from "vitest";
import { parseAppIdentitiesFile } from "../../src/app-identities-file.js";

const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n";
const files: Record<string, string> = { "/keys/2.pem": PEM, "/keys/not-a-key": "hello" };
const readFile = (path: string) => {
  const text = files[path];
  if (text === undefined) throw new Error("ENOENT: no such file");
  return text;
};
const parse = (value: unknown) =>
  parseAppIdentitiesFile(typeof value === "string" ? value : JSON.stringify(value), 1, readFile);

describe("parseAppIdentitiesFile", () => {
  it("reads keys inline and from files", () => {
    const got = parse([
      { appId: 2, privateKeyPath: "/keys/2.pem" },
      { appId: 3, privateKey: PEM },
    ]);
    expect(got.problems).toEqual([]);
    expect(got.apps).toEqual([
      { appId: 2, privateKey: PEM },
      { appId: 3, privateKey: PEM },
    ]);
  });

  it.each([
    ["not JSON", "{apps", "GITHUB_APPS_FILE", /is not JSON/],
    ["an empty list", [], "GITHUB_APPS_FILE", /at least one App/],
    ["a bad app id", [{ appId: -2, privateKey: PEM }], "GITHUB_APPS_FILE.0.appId", /./],
    ["no key", [{ appId: 2 }], "GITHUB_APPS_FILE.0", /exactly one of privateKey and privateKeyPath/],
    [
      "two keys",
      [{ appId: 2, privateKey: PEM, privateKeyPath: "/keys/2.pem" }],
      "GITHUB_APPS_FILE.0",
      /exactly one/,
    ],
    [
      "an inline key that is not PEM",
      [{ appId: 2, privateKey: "abc" }],
      "GITHUB_APPS_FILE.0.privateKey",
      /PEM/,
    ],
    [
      "a missing key file",
      [{ appId: 2, privateKeyPath: "/keys/9.pem" }],
      "GITHUB_APPS_FILE.0.privateKeyPath",
      /cannot read/,
    ],
    [
      "a key file that is not PEM",
      [{ appId: 2, privateKeyPath: "/keys/not-a-key" }],
      "GITHUB_APPS_FILE.0.privateKeyPath",
      /PEM/,
    ],
    ["the default App again", [{ appId: 1, privateKey: PEM }], "GITHUB_APPS_FILE.0.appId", /listed twice/],
    ["an unknown field", [{ appId: 2, privateKey: PEM, secret: "x" }], "GITHUB_APPS_FILE.0", /secret/],
  ])("refuses %s, naming where", (_what, value, key, problem) => {
    const got = parse(value);
    expect(got.apps).toBeUndefined();
    expect(got.problems.map((p) => p.key)).toContain(key);
    expect(got.problems.map((p) => p.problem).join("; ")).toMatch(problem);
  });

  it("reports every problem at once and never prints a key", () => {
    const got = parse([
      { appId: 2, privateKey: PEM },
      { appId: 2, privateKey: PEM },
      { appId: 4, privateKeyPath: "/keys/9.pem" },
    ]);
    expect(got.problems).toHaveLength(2);
    expect(JSON.stringify(got.problems)).not.toContain("MIIB");
  });
});
