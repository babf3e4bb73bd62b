import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunnerClient } from "../../emulators/src/github/runner-client.js";
import { type Sandbox, startSandbox } from "../../sandbox/sandbox.js";
import { startMayfly } from "../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../src/mayfly.js";
import { waitFor } from "../helpers/wait-for.js";

/**
 * Rogue runners (issue 10): the attacker runs a runner under a Mayfly name (`mayfly-i-…`) from a machine
 * that is no live instance of this deployment — a JIT config taken off a runner, a leftover of an old
 * deployment, a hand-registered runner. GitHub gives it jobs like any other. Mayfly must raise an alarm,
 * show the job it took as suspect, and remove the runner as soon as GitHub allows (not while busy).
 */
const LARGE = ["self-hosted", "linux", "x64", "mayfly-large"];

describe("a Mayfly-named runner with no instance", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly & { url: string };
  const stop = new AbortController();

  /** Registers and connects a runner the way an attacker holding org runner rights (or a JIT config) can. */
  async function rogue(name: string) {
    const octokit = (await mayfly.probot.auth(sandbox.installationId)) as unknown as {
      request: (route: string, params: object) => Promise<{ data: { encoded_jit_config: string } }>;
    };
    const { data } = await octokit.request("POST /orgs/{org}/actions/runners/generate-jitconfig", {
      org: "acme",
      name,
      runner_group_id: 1,
      labels: LARGE,
    });
    const client = RunnerClient.forJitConfig(data.encoded_jit_config);
    const session = await client.connect(data.encoded_jit_config);
    const taken: number[] = [];
    let release: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      release = resolve;
    });
    void (async () => {
      while (!stop.signal.aborted) {
        const poll = await client
          .poll(session.sessionId, 200, stop.signal)
          .catch(() => ({ kind: "removed" }) as const);
        if (poll.kind === "removed") return;
        if (poll.kind !== "job") continue;
        taken.push(poll.job.id);
        await client.start(session.sessionId, poll.job.id);
        await finished;
        await client.complete(session.sessionId, poll.job.id, "success").catch(() => {});
      }
    })();
    return { name, taken, release };
  }
  const exists = (name: string) => sandbox.github.runners("acme").some((r) => r.name === name);

  beforeAll(async () => {
    sandbox = await startSandbox({ bootDelayMs: 100 });
    // Sweeps are driven by the test.
    mayfly = await startMayfly(sandbox, { env: { MAYFLY_SWEEP_INTERVAL: "1h" } });
  });
  afterAll(async () => {
    stop.abort();
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it("raises an alarm for an idle one and removes it on the next sweep", { timeout: 30_000 }, async () => {
    const idle = await rogue("mayfly-i-00000000000000aa1");
    await waitFor(
      "online",
      () => sandbox.github.runners("acme").find((r) => r.name === idle.name)?.status === "online",
    );
    await mayfly.sweep();
    expect(mayfly.events.list({ kinds: ["runner.rogue"] })).toEqual([
      expect.objectContaining({ runnerName: idle.name, reason: "rogue-runner" }),
    ]);
    expect(exists(idle.name)).toBe(false);
    const reaps = await mayfly.metrics.registry.getSingleMetricAsString("mayfly_reaps_total");
    expect(reaps).toContain('mayfly_reaps_total{reason="rogue-runner",action="runner-removed"} 1');
  });

  it("shows the job a busy one took as suspect and removes it once GitHub allows", {
    timeout: 45_000,
  }, async () => {
    const busy = await rogue("mayfly-i-00000000000000bb2");
    const job = sandbox.github.enqueueJob({ org: "acme", repo: "api", labels: LARGE, durationMs: 100 });
    await waitFor("rogue took the job", () => busy.taken.includes(job.id));
    const suspect = await waitFor("suspect job event", () =>
      mayfly.events.list({ kinds: ["job.suspect"] }).find((e) => e.jobId === job.id),
    );
    expect(suspect).toMatchObject({ runnerName: busy.name, repo: "acme/api", org: "acme" });

    // Busy: GitHub refuses the delete (422); the runner stays, the alarm is raised, the sweep tries again.
    await mayfly.sweep();
    expect(exists(busy.name)).toBe(true);
    expect(mayfly.events.list({ kinds: ["runner.rogue"] }).filter((e) => e.runnerName === busy.name)).toEqual(
      [expect.objectContaining({ jobId: job.id, repo: "acme/api" })],
    );
    const gauge = await mayfly.metrics.registry.getSingleMetricAsString("mayfly_rogue_runners");
    expect(gauge).toContain("mayfly_rogue_runners 1");

    busy.release();
    await waitFor("job finished", () => sandbox.github.job(job.id)?.status === "completed");
    await mayfly.sweep();
    expect(exists(busy.name)).toBe(false);
    expect(await mayfly.metrics.registry.getSingleMetricAsString("mayfly_rogue_runners")).toContain(
      "mayfly_rogue_runners 0",
    );
  });
});
