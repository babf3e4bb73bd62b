import { spawn, spawnSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJitConfig, RunnerClient } from "../../../emulators/src/github/runner-client.js";
import { type Sandbox, startSandbox } from "../../../sandbox/sandbox.js";
import { startMayfly } from "../../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../../src/mayfly.js";
import { waitFor } from "../../helpers/wait-for.js";

/**
 * The image's real bootstrap script against the real app: Mayfly launches the instance (its user-data
 * and one-time token), bash runs infra/runner/bootstrap.sh against that instance's IMDS, the app checks
 * token and identity and asks GitHub for the JIT config, and the stand-in run.sh receives it.
 */
const SCRIPT = fileURLToPath(new URL("../../../infra/runner/bootstrap.sh", import.meta.url));

describe("bootstrap.sh against the real app", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly;
  let dir: string;
  beforeAll(async () => {
    const missing = ["bash", "curl", "jq"].filter(
      (tool) => spawnSync(tool, ["--version"]).error !== undefined,
    );
    if (missing.length > 0)
      throw new Error(`needs ${missing.join(", ")} on PATH (Debian: apt-get install -y bash curl jq)`);
    sandbox = await startSandbox({ bootDelayMs: 50, agentBehaviour: () => "never-bootstrap" });
    mayfly = await startMayfly(sandbox, { env: { MAYFLY_ROLES: "webhooks,bootstrap,scaler" } });
    dir = await mkdtemp(join(tmpdir(), "mayfly-bootstrap-e2e-"));
    await Promise.all(["bin", "runner", "tmp"].map((sub) => mkdir(join(dir, sub))));
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("enrols an instance Mayfly launched, runs the runner with its JIT config, then powers off; a second run is refused", async () => {
    sandbox.github.enqueueJob({
      org: "acme",
      repo: "api",
      labels: ["self-hosted", "linux", "x64", "mayfly-small"],
      durationMs: 100,
    });
    const instance = await waitFor("instance running", () =>
      sandbox.ec2.instances().find((i) => i.state === "running"),
    );
    const events = join(dir, "events");
    await writeFile(
      join(dir, "runner", "run.sh"),
      `#!/bin/sh\nprintf '%s\\n' "$@" > '${dir}/argv'\necho run.sh >> '${events}'\n`,
    );
    await writeFile(join(dir, "bin", "poweroff"), `#!/bin/sh\necho poweroff >> '${events}'\n`);
    // The stand-in for nft (the IMDS rule) keeps this test off the host's firewall.
    await writeFile(join(dir, "bin", "nft"), `#!/bin/sh\ncat > /dev/null\necho nft >> '${events}'\n`);
    await chmod(join(dir, "runner", "run.sh"), 0o755);
    await chmod(join(dir, "bin", "poweroff"), 0o755);
    await chmod(join(dir, "bin", "nft"), 0o755);
    const env = {
      PATH: `${join(dir, "bin")}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      LC_ALL: "C",
      TMPDIR: join(dir, "tmp"),
      MAYFLY_IMDS_URL: sandbox.ec2.imdsUrl(instance.instanceId),
      MAYFLY_RUNNER_DIR: join(dir, "runner"),
      MAYFLY_RUNNER_USER: "",
      MAYFLY_BOOTSTRAP_DEADLINE_SECONDS: "20",
    };
    const run = () =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn("bash", [SCRIPT], { env, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (c: Buffer) => (output += c));
        child.stderr.on("data", (c: Buffer) => (output += c));
        child.on("close", (code) => resolve({ code, output }));
      });

    const first = await run();
    expect(first.code).toBe(0);
    const argv = (await readFile(join(dir, "argv"), "utf8")).split("\n").filter(Boolean);
    expect(argv[0]).toBe("--jitconfig");
    expect(decodeJitConfig(argv[1]!).name).toBe(`mayfly-${instance.instanceId}`);
    expect(sandbox.github.runners("acme").map((r) => r.name)).toContain(`mayfly-${instance.instanceId}`);
    expect((await readFile(events, "utf8")).split("\n").filter(Boolean)).toEqual([
      "nft",
      "run.sh",
      "poweroff",
    ]);
    expect(first.output).not.toContain(argv[1]!);

    // The runner connects with its config (a stand-in run.sh does not): from then on a second
    // enrolment is a replay.
    await new RunnerClient(sandbox.github.url).connect(argv[1]!);
    const second = await run();
    expect(second.code).not.toBe(0);
    // Refusals are counted by reason at once and summarised in one event per 10 s (ADR 0007).
    expect(await mayfly.metrics.registry.getSingleMetricAsString("mayfly_bootstrap_refusals_total")).toMatch(
      /reason="replayed"} 1/,
    );
    expect((await readFile(events, "utf8")).split("\n").filter(Boolean)).toEqual([
      "nft",
      "run.sh",
      "poweroff",
      "nft",
      "poweroff",
    ]);
  });
});
