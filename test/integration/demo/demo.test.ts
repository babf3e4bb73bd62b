import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../../sandbox/sandbox.js";
import { waitFor } from "../../helpers/wait-for.js";

/**
 * `npm run demo` as a newcomer runs it: a child process (tsx, as the npm script), a banner with the
 * dashboard URL and a bearer token, runners within 30 s, and nothing left behind after Ctrl-C or
 * `--duration`. Each run gets its own TMPDIR so the check for leftovers sees only its own files.
 */

interface Demo {
  child: ChildProcess;
  lines: string[];
  tmp: string;
  exit: Promise<number | null>;
  stderr: () => string;
}

const started: Demo[] = [];
afterAll(() => {
  for (const demo of started) {
    if (demo.child.exitCode === null) demo.child.kill("SIGKILL");
    rmSync(demo.tmp, { recursive: true, force: true });
  }
});

function startDemo(args: string[]): Demo {
  const tmp = mkdtempSync(join(tmpdir(), "mayfly-demo-test-"));
  const child = spawn(process.execPath, ["--import", "tsx", "sandbox/demo.ts", ...args], {
    env: { ...process.env, TMPDIR: tmp },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => lines.push(line));
  let stderr = "";
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const demo = { child, lines, tmp, exit, stderr: () => stderr };
  started.push(demo);
  return demo;
}

/** The bearer token from the banner's curl line, once the banner is out. */
async function banner(demo: Demo): Promise<string> {
  const line = await waitFor(
    "the banner",
    () => {
      if (demo.child.exitCode !== null) throw new Error(`demo exited early: ${demo.stderr()}`);
      return demo.lines.find((l) => l.includes("authorization: Bearer"));
    },
    30_000,
  );
  return /Bearer ([^"\s]+)"/.exec(line)?.[1] ?? "";
}

/** Runners the app reports through its JSON API, with the banner's bearer token. */
async function runnersShown(url: string, token: string): Promise<number> {
  const api = await fetch(`${url}/api/v1/runners`, { headers: { authorization: `Bearer ${token}` } });
  // 503 until the first observation of EC2 and GitHub has succeeded.
  if (api.status === 503) return 0;
  expect(api.status).toBe(200);
  return ((await api.json()) as { runners: unknown[] }).runners.length;
}

const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");

/** The banner's sign-in, as a browser does it: dashboard → emulator's sign-in page → a user → callback. */
async function signIn(url: string, login: string): Promise<Response> {
  const manual = { redirect: "manual" } as const;
  const start = await fetch(`${url}/dashboard/login`, manual);
  const authorize = new URL(start.headers.get("location") ?? "");
  const chooser = await fetch(authorize);
  expect(await chooser.text()).toContain(`Sign in as ${login}`);
  const form = new URLSearchParams(authorize.searchParams);
  form.set("login", login);
  const granted = await fetch(new URL(authorize.pathname, authorize), {
    ...manual,
    method: "POST",
    body: form,
  });
  return fetch(granted.headers.get("location") ?? "", { ...manual, headers: { cookie: cookiesOf(start) } });
}

function sandboxDirsLeft(demo: Demo): string[] {
  return readdirSync(demo.tmp).filter((name) => name.startsWith("mayfly-sandbox-"));
}

describe.concurrent("npm run demo", () => {
  it("shows runners within 30 s of the banner, and Ctrl-C leaves nothing behind", async () => {
    const port = await freePort();
    const demo = startDemo(["--duration", "40", "--port", String(port), "--seed", "7"]);
    const token = await banner(demo);
    const url = `http://127.0.0.1:${port}`;
    expect(demo.lines).toContain(`  Dashboard  ${url}/dashboard`);
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(sandboxDirsLeft(demo)).toHaveLength(1);

    const bannerAt = Date.now();
    await waitFor("runners shown by the app", async () => (await runnersShown(url, token)) > 0, 30_000, 500);
    expect(Date.now() - bannerAt).toBeLessThan(30_000);

    const admin = await signIn(url, "octo-admin");
    expect(admin.headers.get("location")).toBe("/dashboard");
    const dashboard = await fetch(`${url}/dashboard`, { headers: { cookie: cookiesOf(admin) } });
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain("octo-admin");
    expect((await signIn(url, "octo-member")).status).toBe(403);

    demo.child.kill("SIGINT");
    expect(await demo.exit).toBe(0);
    expect(demo.lines).toContain("Stopped; nothing left behind.");
    expect(sandboxDirsLeft(demo)).toEqual([]);
  }, 90_000);

  it("stops by itself after --duration, exit code 0, nothing left behind", async () => {
    const port = await freePort();
    const demo = startDemo(["--duration", "1", "--port", String(port)]);
    await banner(demo);
    expect(await demo.exit).toBe(0);
    expect(demo.lines).toContain("1 s passed: stopping traffic, the app and the emulators…");
    expect(sandboxDirsLeft(demo)).toEqual([]);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
    expect(health).toBeUndefined();
  }, 60_000);
});
