import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { verify, X509Certificate } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type EC2Client,
  ModifyInstanceAttributeCommand,
  RunInstancesCommand,
  StartInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createEmulatorClient } from "../../../emulators/src/ec2/client.js";
import { type Ec2Emulator, startEc2Emulator } from "../../../emulators/src/ec2/emulator.js";
import { listen, readBody, type StartedServer, sendJson } from "../../../emulators/src/http.js";
import { renderUserData } from "../../../src/bootstrap/user-data.js";
import { renderWarmUpUserData } from "../../../src/warm/warm-up-user-data.js";

/**
 * Runs the image's real bootstrap script (infra/runner/bootstrap.sh) with bash against the EC2 emulator's
 * per-instance IMDSv2, a stand-in for the app's POST /bootstrap, and stand-ins for `poweroff` (first on
 * PATH) and the runner's run.sh. Both stand-ins append to one events file, so the order is checked.
 */

const SCRIPT = fileURLToPath(new URL("../../../infra/runner/bootstrap.sh", import.meta.url));
const TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJwb29sIjoibGludXgtc21hbGwifQ.c2lnbmF0dXJl";
const CONFIG = "eyJqaXQiOiJjb25maWcifQ==";
const OK = { status: 200, body: { runnerName: "mayfly-i-test", encodedJitConfig: CONFIG } };

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
interface Received {
  contentType: string | undefined;
  body: string;
  at: number;
}

let emulator: Ec2Emulator;
let ec2: EC2Client;
let app: StartedServer;
let replies: Reply[] = [];
let received: Received[] = [];
const children = new Set<ChildProcess>();
const dirs: string[] = [];

beforeAll(async () => {
  const missing = ["bash", "curl", "jq"].filter((tool) => spawnSync(tool, ["--version"]).error !== undefined);
  if (missing.length > 0)
    throw new Error(
      `bootstrap.sh tests need ${missing.join(", ")} on PATH (Debian: apt-get install -y bash curl jq)`,
    );
  emulator = await startEc2Emulator({ bootDelayMs: 20, shutdownDelayMs: 20, throttling: false });
  ec2 = createEmulatorClient(emulator, { maxAttempts: 1 });
  app = await listen(async (req, res) => {
    const body = (await readBody(req)).toString("utf8");
    received.push({ contentType: req.headers["content-type"], body, at: Date.now() });
    const reply = replies.shift() ?? { status: 500, body: { error: "no reply scripted" } };
    sendJson(res, reply.status, reply.body ?? {}, reply.headers);
  });
});

afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.pid) process.kill(-child.pid, "SIGKILL");
  children.clear();
  replies = [];
  received = [];
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

afterAll(async () => {
  ec2?.destroy();
  await emulator?.stop();
  await app?.close();
});

function userData(
  overrides: { maxLifetimeSeconds?: number; bootTimeoutSeconds?: number; jobImds?: "block" | "allow" } = {},
): string {
  return renderUserData({
    appUrl: app.url,
    token: TOKEN,
    pool: "linux-small",
    maxLifetimeSeconds: 600,
    bootTimeoutSeconds: 300,
    ...overrides,
  });
}

async function launch(data: string, shutdown: "terminate" | "stop" = "terminate"): Promise<string> {
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: "ami-0123456789abcdef0",
      InstanceType: "t3.small",
      MinCount: 1,
      MaxCount: 1,
      UserData: Buffer.from(data, "utf8").toString("base64"),
      MetadataOptions: { HttpTokens: "required", HttpEndpoint: "enabled" },
      InstanceInitiatedShutdownBehavior: shutdown,
    }),
  );
  const id = out.Instances?.[0]?.InstanceId ?? "";
  await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("running"));
  return id;
}

/**
 * Stand-ins: run.sh records its argv and pid, then exits 0 or sleeps; poweroff tells the emulator; nft
 * records the ruleset it was given (so the host's firewall is never touched) and succeeds or fails.
 * test/image/ loads the real ruleset into a real kernel and attacks it.
 */
async function standIns(
  dir: string,
  id: string,
  runner: "exits" | "sleeps",
  nft: "ok" | "fails",
): Promise<void> {
  const events = join(dir, "events");
  const nftSh = `#!/bin/sh\necho "$*" > '${dir}/nft.args'\ncat > '${dir}/nft.rules'\necho nft >> '${events}'\nexit ${nft === "ok" ? 0 : 1}\n`;
  await writeFile(join(dir, "bin", "nft"), nftSh);
  await chmod(join(dir, "bin", "nft"), 0o755);
  const tail = runner === "exits" ? `sleep 0.1\necho run.sh-exit >> '${events}'\nexit 0` : "exec sleep 30";
  const runSh = `#!/bin/sh\nprintf '%s\\n' "$@" > '${dir}/argv'\necho $$ > '${dir}/runner.pid'\necho run.sh-start >> '${events}'\n${tail}\n`;
  const poweroff = `#!/bin/sh\necho poweroff >> '${events}'\nexec curl -fsS -X POST '${emulator.url}/_emulator/instances/${id}/poweroff'\n`;
  await writeFile(join(dir, "runner", "run.sh"), runSh);
  await writeFile(join(dir, "bin", "poweroff"), poweroff);
  await chmod(join(dir, "runner", "run.sh"), 0o755);
  await chmod(join(dir, "bin", "poweroff"), 0o755);
}

async function boot(options: {
  userData?: string;
  runner?: "exits" | "sleeps";
  nft?: "ok" | "fails";
  env?: Record<string, string>;
  shutdown?: "terminate" | "stop";
  /** Boot this (started) instance again instead of launching one. */
  instanceId?: string;
}) {
  const id = options.instanceId ?? (await launch(options.userData ?? userData(), options.shutdown));
  const dir = await mkdtemp(join(tmpdir(), "mayfly-bootstrap-"));
  dirs.push(dir);
  await Promise.all(["bin", "runner", "tmp"].map((sub) => mkdir(join(dir, sub))));
  await standIns(dir, id, options.runner ?? "exits", options.nft ?? "ok");
  const env = {
    PATH: `${join(dir, "bin")}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    LC_ALL: "C",
    TMPDIR: join(dir, "tmp"),
    MAYFLY_IMDS_URL: emulator.imdsUrl(id),
    MAYFLY_RUNNER_DIR: join(dir, "runner"),
    MAYFLY_RUNNER_USER: "",
    MAYFLY_BACKOFF_BASE_MS: "200",
    MAYFLY_BACKOFF_MAX_MS: "1000",
    MAYFLY_BOOTSTRAP_DEADLINE_SECONDS: "20",
    ...options.env,
  };
  const started = Date.now();
  const child = spawn("bash", [SCRIPT], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  children.add(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  const read = (name: string) => readFile(join(dir, name), "utf8").catch(() => undefined);
  return {
    id,
    code,
    output,
    ms: Date.now() - started,
    events: ((await read("events")) ?? "").split("\n").filter(Boolean),
    argv: (await read("argv"))?.split("\n").filter(Boolean),
    runnerPid: Number(await read("runner.pid")),
    nftRules: await read("nft.rules"),
    nftArgs: await read("nft.args"),
    scratch: await readdir(join(dir, "tmp")),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("infra/runner/bootstrap.sh", () => {
  it("enrols with the token and the byte-exact identity, runs the runner with the config, then powers off", async () => {
    replies = [OK];
    const run = await boot({});
    expect(run.code).toBe(0);
    expect(received).toHaveLength(1);
    expect(received[0]?.contentType).toBe("application/json");
    const body = JSON.parse(received[0]?.body ?? "{}");
    expect(Object.keys(body).sort()).toEqual(["identity", "token"]);
    expect(body.token).toBe(TOKEN);
    expect(body.identity.document).toBe(emulator.instance(run.id)?.identityDocument);
    const key = new X509Certificate(emulator.identityCertificatePem).publicKey;
    const signature = Buffer.from(body.identity.signature.replace(/\s+/g, ""), "base64");
    expect(verify("sha256", Buffer.from(body.identity.document, "utf8"), key, signature)).toBe(true);
    expect(run.argv).toEqual(["--jitconfig", CONFIG]);
    expect(run.events).toEqual(["nft", "run.sh-start", "run.sh-exit", "poweroff"]);
    await vi.waitFor(() =>
      expect(["shutting-down", "terminated"]).toContain(emulator.instance(run.id)?.state),
    );
    expect(run.output).toMatch(/^mayfly-bootstrap: enrolled as runner mayfly-i-test$/m);
    expect(run.output).not.toContain(TOKEN);
    expect(run.output).not.toContain(CONFIG);
    expect(run.scratch).toEqual([]);
  });

  it("takes a 403 refusal as final: no retry, no runner, power off", async () => {
    replies = [{ status: 403, body: { error: "bootstrap refused" } }, OK];
    const run = await boot({});
    expect(run.code).toBe(1);
    expect(received).toHaveLength(1);
    expect(run.argv).toBeUndefined();
    expect(run.events).toEqual(["nft", "poweroff"]);
    expect(run.output).toContain("bootstrap refused (HTTP 403); not retrying");
  });

  it("retries 503s with growing, jittered backoff and then runs the runner", async () => {
    replies = [{ status: 503 }, { status: 503 }, OK];
    const run = await boot({});
    expect(run.code).toBe(0);
    expect(received).toHaveLength(3);
    const [first, second, third] = received.map((r) => r.at);
    // Base 200 ms with equal jitter: the first pause is 100–200 ms, the second 200–400 ms.
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(100);
    expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(200);
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
    expect(run.argv).toEqual(["--jitconfig", CONFIG]);
    expect(run.events).toEqual(["nft", "run.sh-start", "run.sh-exit", "poweroff"]);
  });

  it("honours retry-after on 429: gives up at once when the wait would pass the deadline", async () => {
    replies = [{ status: 429, body: { error: "too many requests" }, headers: { "retry-after": "3600" } }, OK];
    const run = await boot({});
    expect(received).toHaveLength(1);
    expect(run.ms).toBeLessThan(5_000);
    expect(run.code).toBe(1);
    expect(run.events).toEqual(["nft", "poweroff"]);
    expect(run.output).toContain("giving up");
  });

  it("gives up and powers off when the app stays unavailable past the deadline", async () => {
    replies = Array.from({ length: 50 }, () => ({ status: 503 }));
    const run = await boot({
      env: { MAYFLY_BOOTSTRAP_DEADLINE_SECONDS: "3", MAYFLY_BACKOFF_BASE_MS: "100" },
    });
    expect(received.length).toBeGreaterThanOrEqual(2);
    expect(run.code).toBe(1);
    expect(run.argv).toBeUndefined();
    expect(run.events).toEqual(["nft", "poweroff"]);
  });

  it("keeps asking for its config until the pool's boot timeout from user-data, then powers off", async () => {
    replies = Array.from({ length: 50 }, () => ({ status: 503 }));
    const run = await boot({
      userData: userData({ bootTimeoutSeconds: 3 }),
      env: { MAYFLY_BOOTSTRAP_DEADLINE_SECONDS: "", MAYFLY_BACKOFF_BASE_MS: "100" },
    });
    expect(received.length).toBeGreaterThanOrEqual(2);
    expect(run.ms).toBeLessThan(10_000);
    expect(run.code).toBe(1);
    expect(run.events).toEqual(["nft", "poweroff"]);
    expect(run.output).toContain("no time left before the 3s bootstrap deadline");
  });

  it("powers off after the maximum lifetime while the runner is still busy, and stops the runner", async () => {
    replies = [OK];
    const run = await boot({ userData: userData({ maxLifetimeSeconds: 1 }), runner: "sleeps" });
    expect(run.ms).toBeGreaterThanOrEqual(1_000);
    expect(run.ms).toBeLessThan(10_000);
    expect(run.code).toBe(143);
    expect(run.events).toEqual(["nft", "run.sh-start", "poweroff"]);
    expect(run.output).toContain("maximum lifetime of 1s reached");
    expect(alive(run.runnerPid)).toBe(false);
  });

  it("closes IMDS to the job's user after reading IMDS and before enrolling or starting the runner", async () => {
    replies = [OK];
    const run = await boot({});
    expect(run.code).toBe(0);
    expect(run.events).toEqual(["nft", "run.sh-start", "run.sh-exit", "poweroff"]);
    expect(run.nftArgs?.trim()).toBe("-f -");
    const uid = String(process.getuid?.());
    expect(run.nftRules).toContain(`meta skuid ${uid} ip daddr 169.254.169.254 counter reject`);
    expect(run.nftRules).toContain(`meta skuid ${uid} ip6 daddr fd00:ec2::254 counter reject`);
    expect(run.nftRules).toMatch(/hook forward[^}]*ip daddr 169\.254\.169\.254 counter drop/s);
    expect(run.output).toContain(`IMDS closed to uid ${uid}`);
  });

  it("fails closed: when the rule cannot be loaded, it spends no token, runs no job and powers off", async () => {
    replies = [OK];
    const run = await boot({ nft: "fails" });
    expect(run.code).toBe(1);
    expect(received).toHaveLength(0);
    expect(run.argv).toBeUndefined();
    expect(run.events).toEqual(["nft", "poweroff"]);
    expect(run.output).toContain("could not load the IMDS firewall rule");
  });

  it("leaves IMDS open for a pool with jobImds: allow, and says so", async () => {
    replies = [OK];
    const run = await boot({ userData: userData({ jobImds: "allow" }) });
    expect(run.code).toBe(0);
    expect(run.events).toEqual(["run.sh-start", "run.sh-exit", "poweroff"]);
    expect(run.output).toContain("WARNING: pool linux-small lets its jobs reach IMDS (jobImds: allow)");
  });

  it.each([["open"], ["BLOCK"], [""]])("refuses MAYFLY_JOB_IMDS='%s' before enrolling", async (value) => {
    replies = [OK];
    const data = userData().replace("MAYFLY_JOB_IMDS='block'", `MAYFLY_JOB_IMDS='${value}'`);
    const run = await boot({ userData: data });
    expect(run.code).toBe(1);
    expect(received).toHaveLength(0);
    expect(run.events).toEqual(["poweroff"]);
    expect(run.output).toContain("MAYFLY_JOB_IMDS must be block or allow");
  });

  it("treats user-data without MAYFLY_JOB_IMDS (an older app) as block", async () => {
    replies = [OK];
    const run = await boot({ userData: userData().replace(/^MAYFLY_JOB_IMDS=.*\n/m, "") });
    expect(run.code).toBe(0);
    expect(run.events).toEqual(["nft", "run.sh-start", "run.sh-exit", "poweroff"]);
  });

  it("checks for the runner before enrolling, so a broken image does not spend the one-time token", async () => {
    replies = [OK];
    const run = await boot({ env: { MAYFLY_RUNNER_DIR: join(tmpdir(), "mayfly-no-runner-here") } });
    expect(run.code).toBe(1);
    expect(received).toHaveLength(0);
    expect(run.events).toEqual(["poweroff"]);
    expect(run.output).toContain("no runner at");
  });

  it("a stopped pool's warm-up boot reads the runner's files, never enrols nor runs it, and powers off to stop", async () => {
    replies = [OK];
    const run = await boot({ userData: renderWarmUpUserData({ pool: "linux-small" }), shutdown: "stop" });
    expect(run.code).toBe(0);
    expect(received).toHaveLength(0);
    expect(run.argv).toBeUndefined();
    // No firewall rule either: nothing runs after it, and a rule would not outlive the power-off.
    expect(run.events).toEqual(["poweroff"]);
    expect(run.output).toContain("warm-up boot for pool linux-small");
    await vi.waitFor(() => expect(emulator.instance(run.id)?.state).toBe("stopped"));

    // The claim (src/warm/claim-stopped.ts): fresh user data and terminate-on-shutdown while stopped, then
    // a start. The same script on the second boot enrols with the new token and runs one job.
    await ec2.send(
      new ModifyInstanceAttributeCommand({
        InstanceId: run.id,
        UserData: { Value: new TextEncoder().encode(userData()) },
      }),
    );
    await ec2.send(
      new ModifyInstanceAttributeCommand({
        InstanceId: run.id,
        InstanceInitiatedShutdownBehavior: { Value: "terminate" },
      }),
    );
    await ec2.send(new StartInstancesCommand({ InstanceIds: [run.id] }));
    await vi.waitFor(() => expect(emulator.instance(run.id)?.state).toBe("running"));
    const second = await boot({ instanceId: run.id });
    expect(second.code).toBe(0);
    expect(JSON.parse(received[0]?.body ?? "{}").token).toBe(TOKEN);
    expect(second.events).toEqual(["nft", "run.sh-start", "run.sh-exit", "poweroff"]);
    await vi.waitFor(() =>
      expect(["shutting-down", "terminated"]).toContain(emulator.instance(run.id)?.state),
    );
  });

  it.each([
    [
      "with a token",
      (d: string) => `${d}MAYFLY_BOOTSTRAP_TOKEN='${TOKEN}'\n`,
      "must not set MAYFLY_BOOTSTRAP_TOKEN",
    ],
    ["with a URL", (d: string) => `${d}MAYFLY_URL='${app.url}'\n`, "must not set MAYFLY_URL"],
    [
      "not '1'",
      (d: string) => d.replace("MAYFLY_WARM_UP='1'", "MAYFLY_WARM_UP='yes'"),
      "MAYFLY_WARM_UP must be 1",
    ],
  ])("refuses warm-up user-data %s: no enrolment, power off", async (_, edit, message) => {
    replies = [OK];
    const run = await boot({
      userData: edit(renderWarmUpUserData({ pool: "linux-small" })),
      shutdown: "stop",
    });
    expect(run.code).toBe(1);
    expect(received).toHaveLength(0);
    expect(run.events).toEqual(["poweroff"]);
    expect(run.output).toContain(message);
  });

  it("refuses user-data missing keys with a clear error, never evaluates it, and powers off", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mayfly-marker-"));
    dirs.push(dir);
    const marker = join(dir, "evaluated");
    const data = [
      "#!/bin/sh",
      "# mayfly-bootstrap v1: read by mayfly-bootstrap.service; holds no runner credential.",
      `touch '${marker}'`,
      `MAYFLY_URL='${app.url}'`,
      `MAYFLY_MAX_LIFETIME_SECONDS='$(touch ${marker})'`,
      "",
    ].join("\n");
    const run = await boot({ userData: data });
    expect(run.code).toBe(1);
    expect(run.output).toContain("user-data is missing MAYFLY_BOOTSTRAP_TOKEN MAYFLY_POOL");
    expect(received).toHaveLength(0);
    expect(run.events).toEqual(["poweroff"]);
    expect(await readdir(dir)).toEqual([]);
  });
});
