import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./fixtures.js";

const entrypoint = join(ROOT, "infra/docker-entrypoint.sh");
const dir = mkdtempSync(join(tmpdir(), "mayfly-entrypoint-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the entrypoint with `sh -c <script>` as the command, in a clean environment. */
const run = (env: Record<string, string>, script: string) =>
  execFileSync("sh", [entrypoint, "sh", "-c", script], {
    env: { PATH: "/usr/bin:/bin", ...env },
    encoding: "utf8",
  });

describe("docker-entrypoint.sh", () => {
  it("writes the pool file and certificate to their paths, then runs the command without the contents", () => {
    const pools = join(dir, "a/pools.json");
    const cert = join(dir, "b/cert.pem");
    const out = run(
      {
        MAYFLY_POOLS_CONTENT: '{"version":1,"pools":[]}',
        MAYFLY_POOLS_FILE: pools,
        MAYFLY_IDENTITY_CERT_CONTENT: "-----BEGIN CERTIFICATE-----\nMII…\n-----END CERTIFICATE-----",
        MAYFLY_IDENTITY_CERT_PATH: cert,
      },
      'echo "$MAYFLY_POOLS_FILE"; env | grep -c _CONTENT= || true',
    );
    expect(out.trim().split("\n")).toEqual([pools, "0"]);
    expect(readFileSync(pools, "utf8")).toBe('{"version":1,"pools":[]}\n');
    expect(readFileSync(cert, "utf8")).toContain("MII…\n-----END CERTIFICATE-----");
    expect(statSync(cert).mode & 0o077).toBe(0);
  });

  it("leaves the environment alone when no contents are given", () => {
    expect(run({ MAYFLY_POOLS_FILE: "/etc/pools.yml" }, 'echo "$MAYFLY_POOLS_FILE"').trim()).toBe(
      "/etc/pools.yml",
    );
  });

  it("fails when a content has no path to go to", () => {
    expect(() => run({ MAYFLY_POOLS_CONTENT: "x" }, "true")).toThrow();
  });
});
