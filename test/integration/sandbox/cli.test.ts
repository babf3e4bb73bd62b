import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../../sandbox/sandbox.js";
import { loadConfig } from "../../../src/config.js";

/** `npm run emulators` as a user runs it: a child process, one JSON line, real clients, SIGTERM. */

const CREDENTIALS = { accessKeyId: "x", secretAccessKey: "x" };
const Octokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { enabled: false },
}));

interface Started {
  child: ChildProcess;
  lines: string[];
  exit: Promise<number | null>;
  stderr: () => string;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function startCli(args: string[], env: Record<string, string> = {}): Started {
  const child = spawn(process.execPath, ["--import", "tsx", "sandbox/cli.ts", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => lines.push(line));
  let stderr = "";
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, lines, exit, stderr: () => stderr };
}

async function firstLine(started: Started, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (started.lines.length === 0) {
    if (started.child.exitCode !== null) throw new Error(`exited early: ${started.stderr()}`);
    if (Date.now() > deadline) throw new Error(`no JSON line within ${timeoutMs} ms: ${started.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return started.lines[0]!;
}

describe("npm run emulators", () => {
  it("prints one JSON line, serves real SDK calls on the ports asked for, and stops cleanly", async () => {
    const [githubPort, ec2Port, sqsPort] = [await freePort(), await freePort(), await freePort()];
    const tmp = mkdtempSync(join(tmpdir(), "mayfly-cli-test-"));
    dirs.push(tmp);
    const cli = startCli(
      ["--github-port", String(githubPort), "--sqs-port", String(sqsPort), "--boot-delay-ms", "50"],
      {
        MAYFLY_EMULATOR_EC2_PORT: String(ec2Port),
        TMPDIR: tmp,
      },
    );
    const out = JSON.parse(await firstLine(cli));
    expect(readdirSync(tmp).filter((name) => name.startsWith("mayfly-sandbox-"))).toHaveLength(1);
    expect(out.github).toBe(`http://127.0.0.1:${githubPort}`);
    expect(out.ec2).toBe(`http://127.0.0.1:${ec2Port}`);
    expect(out.sqs).toBe(`http://127.0.0.1:${sqsPort}`);
    expect(out.imds).toBe(`${out.ec2}/imds/{instanceId}`);

    const ec2 = new EC2Client({ endpoint: out.ec2, region: out.region, credentials: CREDENTIALS });
    const described = await ec2.send(new DescribeInstancesCommand({}));
    expect(described.Reservations).toEqual([]);

    const sqs = new SQSClient({ endpoint: out.sqs, region: out.region, credentials: CREDENTIALS });
    const listed = await sqs.send(new ListQueuesCommand({}));
    expect(listed.QueueUrls?.sort()).toEqual(Object.values(out.queues).sort());

    // The printed environment is complete for a Mayfly process, and its App key really authenticates.
    const config = loadConfig({ env: out.env });
    expect(config.github).toMatchObject({ appId: out.appId, apiUrl: out.github });
    const probot = new Probot({
      appId: out.appId,
      privateKey: config.github.privateKey,
      secret: config.github.webhookSecret,
      baseUrl: out.github,
      log: pino({ level: "silent" }),
      Octokit,
    });
    const app = await (await probot.auth()).request("GET /app");
    expect(app.data?.slug).toBe(out.appSlug);
    const installation = await probot.auth(out.installationId);
    const runners = await installation.request("GET /orgs/{org}/actions/runners", { org: out.org });
    expect(runners.data.total_count).toBe(0);
    const anonymous = await fetch(`${out.github}/app`);
    expect(anonymous.status).toBe(401);

    cli.child.kill("SIGTERM");
    expect(await cli.exit).toBe(0);
    expect(cli.lines).toHaveLength(1);
    // tsx keeps its compile cache in TMPDIR too; only the sandbox's own directory must be gone.
    expect(readdirSync(tmp).filter((name) => name.startsWith("mayfly-"))).toEqual([]);
  });

  it("refuses bad options, naming each, with exit code 2 and nothing on stdout", async () => {
    const cli = startCli(["--ec2-port", "http", "--boot-delay-ms=-5"]);
    expect(await cli.exit).toBe(2);
    expect(cli.stderr()).toMatch(/--ec2-port .*number/);
    expect(cli.stderr()).toMatch(/--boot-delay-ms .*>=0/);
    expect(cli.lines).toEqual([]);
  });
});
