import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { type Sandbox, startSandbox } from "../../../sandbox/sandbox.js";
import { startMayfly } from "../../../sandbox/start-mayfly.js";
import { parseUserData } from "../../../src/bootstrap/user-data.js";
import type { Mayfly } from "../../../src/mayfly.js";
import { waitFor } from "../../helpers/wait-for.js";

/**
 * A pool with `jobImds: allow`: the app warns at startup, naming the pool, and the pool's instances
 * carry MAYFLY_JOB_IMDS='allow' in their user-data (what infra/runner/bootstrap.sh reads); the others
 * carry 'block'.
 */
describe("jobImds: allow", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly;
  const lines: { level: number; msg: string }[] = [];
  const file = join(tmpdir(), `mayfly-job-imds-${process.pid}.yml`);

  beforeAll(async () => {
    sandbox = await startSandbox({ bootDelayMs: 50, agentBehaviour: () => "never-bootstrap" });
    const env = await sandbox.env();
    const doc = parse(await readFile(env.MAYFLY_POOLS_FILE!, "utf8")) as { pools: Record<string, unknown>[] };
    doc.pools[0]!.jobImds = "allow";
    await writeFile(file, stringify(doc));
    const stream = new Writable({
      write(chunk, _, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    mayfly = await startMayfly(sandbox, {
      env: { MAYFLY_POOLS_FILE: file, MAYFLY_ROLES: "webhooks,scaler" },
      mayfly: { log: pino({ level: "warn" }, stream) },
    });
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
    await rm(file, { force: true });
  });

  it("is warned about once at startup, naming the pool", () => {
    const pool = mayfly.config.pools[0]!.name;
    const warnings = lines.filter((l) => l.level === 40 && l.msg.includes("jobImds: allow"));
    expect(warnings.map((w) => w.msg)).toEqual([
      `pool ${pool}: jobImds: allow lets its jobs read IMDS (instance role, identity)`,
    ]);
  });

  it("reaches the pool's instances as MAYFLY_JOB_IMDS='allow'", async () => {
    const pool = mayfly.config.pools[0]!;
    sandbox.github.enqueueJob({ org: "acme", repo: "api", labels: pool.labels, durationMs: 100 });
    const instance = await waitFor("instance launched", () =>
      sandbox.ec2.instances().find((i) => i.tags["mayfly:pool"] === pool.name),
    );
    expect(parseUserData(instance.userData ?? "").MAYFLY_JOB_IMDS).toBe("allow");
  });
});
