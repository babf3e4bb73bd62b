import { X509Certificate } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT } from "./fixtures.js";

/**
 * docs/identity-certificates.md cites a source for every bundled certificate and names its bytes by
 * SHA-256 fingerprint: a file added, removed or changed without its row fails here.
 */
const DIRECTORY = `${ROOT}/infra/identity-certificates`;
const doc = readFileSync(`${ROOT}/docs/identity-certificates.md`, "utf8");
const rows = new Map(
  [...doc.matchAll(/^\| `([a-z0-9-]+\.pem)` \|.*\| `([0-9A-F:]{95})` \|$/gm)].map((m) => [m[1], m[2]]),
);

describe("bundled identity certificates and their cited sources", () => {
  const files = readdirSync(DIRECTORY).filter((f) => f.endsWith(".pem"));

  it("has one row per file, and no row without a file", () => {
    expect([...rows.keys()].sort()).toEqual([...files].sort());
  });

  it.each(files)("%s matches the fingerprint its row cites", (file) => {
    const certificate = new X509Certificate(readFileSync(`${DIRECTORY}/${file}`));
    expect(certificate.fingerprint256).toBe(rows.get(file));
  });
});
