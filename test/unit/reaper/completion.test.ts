import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { TAG } from "../../../src/domain/tags.js";
import { reapMessageSchema } from "../../../src/queue/messages.js";
import { createCompletionHandler } from "../../../src/reaper/completion.js";
import { PREFIX, reaperHarness } from "./reaper-harness.js";

function setup(options: { markFails?: boolean } = {}) {
  const h = reaperHarness();
  const taken = {
    async mark(instanceId: string, jobId: number) {
      if (options.markFails) throw new Error("CreateTags throttled");
      h.fleet.setTags(instanceId, { [TAG.taken]: String(jobId) });
    },
  };
  const handle = createCompletionHandler({
    runners: h.runners,
    instances: { get: async (id) => h.fleet.instances().find((i) => i.instanceId === id) },
    terminator: h.terminator,
    taken,
    runnerJobs: h.runnerJobs,
    report: h.report,
    metrics: h.metrics,
    runnerPrefix: PREFIX,
    log: pino({ level: "silent" }),
    now: h.timers.now,
  });
  const message = (runnerName: string, cause: "completed" | "policy-violation" = "completed") =>
    reapMessageSchema.parse({
      kind: "reap",
      cause,
      org: "acme",
      installationId: 7,
      runnerName,
      runnerId: 42,
      jobId: 1001,
      conclusion: "success",
      receivedAt: h.timers.now(),
      deliveryId: "d-1",
    });
  return { ...h, handle, message };
}

describe("completion", () => {
  it("terminates the runner's instance in the batched call, forgets the job and reports it once", async () => {
    const s = setup();
    const id = await s.launch();
    s.runnerJobs.record({
      runnerName: `${PREFIX}${id}`,
      jobId: 1001,
      org: "acme",
      repo: "acme/api",
      startedAt: 0,
    });
    const outcome = s.handle(s.message(`${PREFIX}${id}`));
    await s.timers.advance(50);
    expect(await outcome).toEqual({ kind: "ack" });
    expect(s.state(id)).toBe("terminated");
    expect(s.runnerJobs.get(`${PREFIX}${id}`)).toBeUndefined();
    expect(s.events.list({ kinds: ["reap.terminated"] })).toEqual([
      expect.objectContaining({ reason: "job-completed", instanceId: id, jobId: 1001 }),
    ]);
    expect(await s.reaps()).toContain('mayfly_reaps_total{reason="job-completed",action="terminated"} 1');
    // No DELETE of the runner: GitHub removes a JIT runner itself once its job ends.
    expect(s.removed).toEqual([]);
  });

  it("notes that the completed job started (its in_progress went to another replica)", async () => {
    const s = setup();
    const id = await s.launch();
    expect(s.runnerJobs.started(1001)).toBe(false);
    const outcome = s.handle(s.message(`${PREFIX}${id}`));
    await s.timers.advance(50);
    expect(await outcome).toEqual({ kind: "ack" });
    expect(s.runnerJobs.started(1001)).toBe(true);
  });

  it("dead-letters a runner name that names no instance, touching nothing", async () => {
    const s = setup();
    expect(await s.handle(s.message("someone-elses-runner"))).toMatchObject({ kind: "dead-letter" });
    expect(s.fleet.terminations).toEqual([]);
    expect(s.events.list()).toEqual([]);
  });

  it("contains a policy violation: terminates first, then drops the runner even if GitHub says busy", async () => {
    const s = setup();
    const id = await s.launch();
    s.busy.add(42);
    const outcome = s.handle(s.message(`${PREFIX}${id}`, "policy-violation"));
    await s.timers.advance(50);
    expect(await outcome).toEqual({ kind: "ack" });
    expect(s.state(id)).toBe("terminated");
    expect(s.events.list({ kinds: ["reap.terminated"] })).toEqual([
      expect.objectContaining({ reason: "policy-violation", instanceId: id }),
    ]);
    // The launch served no job it was for: marked, so it does not count against their launch cap.
    expect(s.fleet.instances().find((i) => i.instanceId === id)?.tags[TAG.taken]).toBe("1001");
    s.busy.delete(42);
    const again = s.handle(s.message(`${PREFIX}${id}`, "policy-violation"));
    await s.timers.advance(50);
    await again;
    expect(s.removed).toEqual([{ ref: { installationId: 7, org: "acme" }, runnerId: 42 }]);
  });

  it("contains a policy violation even when the taken mark cannot be written", async () => {
    const s = setup({ markFails: true });
    const id = await s.launch();
    const outcome = s.handle(s.message(`${PREFIX}${id}`, "policy-violation"));
    await s.timers.advance(50);
    expect(await outcome).toEqual({ kind: "ack" });
    expect(s.state(id)).toBe("terminated");
    expect(s.fleet.instances().find((i) => i.instanceId === id)?.tags[TAG.taken]).toBeUndefined();
  });

  it("does not mark a runner that ran the job it was for", async () => {
    const s = setup();
    const id = await s.launch();
    const outcome = s.handle(s.message(`${PREFIX}${id}`));
    await s.timers.advance(50);
    await outcome;
    expect(s.fleet.instances().find((i) => i.instanceId === id)?.tags[TAG.taken]).toBeUndefined();
  });
});
