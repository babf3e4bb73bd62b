import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../../sandbox/sandbox.js";
import { kill, startAppProcess } from "../../helpers/app-process.js";
import { waitFor } from "../../helpers/wait-for.js";

const SMALL = ["self-hosted", "linux", "x64", "mayfly-small"];
const LARGE = ["self-hosted", "linux", "x64", "mayfly-large"];

describe("the app killed mid-burst and restarted", () => {
  let sandbox: Sandbox;
  let env: Record<string, string>;
  const children: Array<Awaited<ReturnType<typeof startAppProcess>>> = [];
  beforeAll(async () => {
    sandbox = await startSandbox({ bootDelayMs: 300 });
    env = await sandbox.env({ MAYFLY_SWEEP_INTERVAL: "5s", MAYFLY_REDELIVER_INTERVAL: "30s" });
  });
  afterAll(async () => {
    for (const c of children) await kill(c.child);
    await sandbox?.stop();
  });

  it("runs every job, leaks nothing, and launches at most one extra instance per job", {
    timeout: 240_000,
  }, async () => {
    const first = await startAppProcess(env);
    children.push(first);
    sandbox.github.setWebhookUrl(sandbox.app.id, `${env.PUBLIC_URL}/api/github/webhooks`);
    const jobs = Array.from({ length: 20 }, (_, i) =>
      sandbox.github.enqueueJob({
        org: "acme",
        repo: i % 2 ? "api" : "web",
        labels: i % 3 ? SMALL : LARGE,
        durationMs: 1_500,
      }),
    );
    // Kill it while launches and bootstraps are in flight: no graceful stop, no acks flushed.
    await waitFor("some launched", () => sandbox.ec2.instances().length >= 5, 30_000);
    expect(await kill(first.child)).toBeNull();
    // While it is down, webhooks fail (recorded as failed deliveries) and instances cannot enrol.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const second = await startAppProcess(env);
    children.push(second);

    // Messages in flight at the kill come back after their visibility timeout (60 s), as SQS does.
    await waitFor(
      "every job completed",
      () => jobs.every((j) => sandbox.github.job(j.id)?.status === "completed"),
      180_000,
    );
    expect(jobs.map((j) => sandbox.github.job(j.id)?.conclusion)).toEqual(jobs.map(() => "success"));
    await waitFor(
      "no instance and no runner left",
      () =>
        sandbox.ec2.instances().every((i) => i.state === "terminated") &&
        sandbox.github.runners("acme").length === 0,
      60_000,
    );
    const launched = sandbox.ec2.instances().length;
    expect(launched).toBeGreaterThanOrEqual(20);
    expect(launched).toBeLessThanOrEqual(40);
    expect(await kill(second.child, "SIGTERM")).toBe(0);
  });
});
