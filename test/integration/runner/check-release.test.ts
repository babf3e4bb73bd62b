import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listen, type StartedServer, sendJson } from "../../../emulators/src/http.js";

/**
 * infra/runner/check-release.sh against a fixture of GitHub's API on 127.0.0.1 that answers
 * GET /repos/actions/runner/releases/tags/vX in the real shape: a release object whose `body` (the
 * release notes) carries each package's SHA-256 between BEGIN/END SHA markers (actions/runner
 * releaseNote.md). The pins are read from the real runner.pkr.hcl.
 */
const SCRIPT = fileURLToPath(new URL("../../../infra/runner/check-release.sh", import.meta.url));
const TEMPLATE = readFileSync(new URL("../../../infra/runner/runner.pkr.hcl", import.meta.url), "utf8");
const pin = (name: string) =>
  new RegExp(`variable "${name}" \\{[^}]*?default\\s*=\\s*"([^"]+)"`, "s").exec(TEMPLATE)?.[1] ?? "";
const VERSION = pin("runner_version");
const X64 = pin("runner_sha256_x64");
const ARM64 = pin("runner_sha256_arm64");
const DECOY = "0".repeat(64);

const notes = (x64: string, arm64: string, version = VERSION) =>
  [
    "## What's Changed",
    `* Bump dependency to ${DECOY} by @dependabot`,
    "## SHA-256 Checksums",
    "The SHA-256 checksums for the packages included in this build are shown below:",
    `- actions-runner-win-x64-${version}.zip <!-- BEGIN SHA win-x64 -->${"e".repeat(64)}<!-- END SHA win-x64 -->`,
    `- actions-runner-linux-x64-${version}.tar.gz <!-- BEGIN SHA linux-x64 -->${x64}<!-- END SHA linux-x64 -->`,
    `- actions-runner-linux-arm64-${version}.tar.gz <!-- BEGIN SHA linux-arm64 -->${arm64}<!-- END SHA linux-arm64 -->`,
    `- actions-runner-linux-arm-${version}.tar.gz <!-- BEGIN SHA linux-arm -->${"f".repeat(64)}<!-- END SHA linux-arm -->`,
  ].join("\r\n");
const release = (body: string, version = VERSION) => ({
  url: `https://api.github.com/repos/actions/runner/releases/1`,
  html_url: `https://github.com/actions/runner/releases/tag/v${version}`,
  id: 1,
  tag_name: `v${version}`,
  name: `v${version}`,
  draft: false,
  prerelease: false,
  body,
  assets: [{ name: `actions-runner-linux-x64-${version}.tar.gz`, browser_download_url: "https://x" }],
});

let server: StartedServer;
let reply: { status: number; body: unknown; raw?: string };
let seen: { path: string; accept?: string; authorization?: string }[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  server = await listen(async (req, res) => {
    seen.push({
      path: req.url ?? "",
      accept: req.headers.accept,
      authorization: req.headers.authorization,
    });
    if (req.url !== `/repos/actions/runner/releases/tags/v${VERSION}`) {
      return sendJson(res, 404, { message: "Not Found" });
    }
    if (reply.raw !== undefined) {
      res.writeHead(reply.status, { "content-type": "text/html" });
      return res.end(reply.raw);
    }
    sendJson(res, reply.status, reply.body);
  });
});
beforeEach(() => {
  seen = [];
  reply = { status: 200, body: release(notes(X64, ARM64)) };
});
afterAll(async () => {
  await server?.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function check(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn("bash", [SCRIPT, ...args], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LC_ALL: "C", ...env },
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c));
    child.stderr.on("data", (c: Buffer) => (out += c));
    child.on("close", (code) => resolve({ code, out }));
  });
}
const api = () => ["--api", server.url];

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe("infra/runner/check-release.sh", () => {
  it("passes when the pinned version and both checksums match the release notes, ignoring other hashes", async () => {
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    const run = await check(api());
    expect(run.out).toContain(`linux-x64 ${VERSION} matches the release (${X64})`);
    expect(run.out).toContain(`linux-arm64 ${VERSION} matches the release (${ARM64})`);
    expect(run.code).toBe(0);
    expect(seen).toEqual([
      {
        path: `/repos/actions/runner/releases/tags/v${VERSION}`,
        accept: "application/vnd.github+json",
        authorization: undefined,
      },
    ]);
  });

  it.each([
    [
      "the arm64 checksum differs",
      notes(X64, "a".repeat(64)),
      /DIFFERS: linux-arm64 pinned \w{64}, release v\S+ says a{64}/,
    ],
    ["the x64 checksum differs", notes("b".repeat(64), ARM64), /DIFFERS: linux-x64 pinned/],
    [
      "the notes lack the x64 markers",
      notes(X64, ARM64).replace(/<!-- BEGIN SHA linux-x64 -->/, ""),
      /no single SHA-256 for linux-x64/,
    ],
    [
      "the notes carry two x64 checksums",
      `${notes(X64, ARM64)}\n<!-- BEGIN SHA linux-x64 -->${DECOY}<!-- END SHA linux-x64 -->`,
      /no single SHA-256 for linux-x64/,
    ],
  ])("fails with status 1 when %s", async (_, body, message) => {
    reply = { status: 200, body: release(body) };
    const run = await check(api());
    expect(run.code).toBe(1);
    expect(run.out).toMatch(message);
    expect(run.out).toContain("fix runner_version and runner_sha256_* in");
  });

  it("fails with status 1 when GitHub has no release for the pinned version", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mayfly-check-release-"));
    dirs.push(dir);
    const template = join(dir, "runner.pkr.hcl");
    await writeFile(template, TEMPLATE.replace(`default = "${VERSION}"`, 'default = "9.9.9"'));
    const run = await check([...api(), "--template", template]);
    expect(seen.map((s) => s.path)).toEqual(["/repos/actions/runner/releases/tags/v9.9.9"]);
    expect(run.code).toBe(1);
    expect(run.out).toContain("GitHub has no release v9.9.9 of actions/runner");
  });

  it("says GitHub cannot be reached and exits 75, distinct from a mismatch, when nothing answers", async () => {
    const run = await check(["--api", `http://127.0.0.1:${await closedPort()}`]);
    expect(run.code).toBe(75);
    expect(run.out).toContain("cannot reach http://127.0.0.1:");
    expect(run.out).toContain(`runner ${VERSION} was NOT compared with its release`);
  });

  it.each([
    [
      "a server error",
      { status: 502, body: { message: "bad gateway" } },
      /answered HTTP 502, not release metadata/,
    ],
    ["an HTML page", { status: 200, body: null, raw: "<html>captive portal</html>" }, /did not answer JSON/],
    [
      "another release",
      { status: 200, body: release(notes(X64, ARM64), "1.0.0") },
      /answered release 'v1\.0\.0'/,
    ],
  ])("exits 2 on %s: not release metadata, nothing compared", async (_, answer, message) => {
    reply = answer;
    const run = await check(api());
    expect(run.code).toBe(2);
    expect(run.out).toMatch(message);
  });

  it("sends GITHUB_TOKEN as a bearer token and never prints it", async () => {
    const token = "ghs_fixtureTokenThatMustNotLeak";
    const run = await check(api(), { GITHUB_TOKEN: token });
    expect(run.code).toBe(0);
    expect(seen[0]?.authorization).toBe(`Bearer ${token}`);
    expect(run.out).not.toContain(token);
  });

  it("refuses unknown arguments with status 2", async () => {
    const run = await check(["--nope"]);
    expect(run.code).toBe(2);
    expect(run.out).toContain("unknown argument --nope");
  });
});
