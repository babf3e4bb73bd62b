import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createMemoryFleet } from "../../../src/aws/memory-fleet.js";
import { TAG } from "../../../src/domain/tags.js";
import { EventLog } from "../../../src/events/event-log.js";
import { RunnerJobs } from "../../../src/events/runner-jobs.js";
import { createMetrics } from "../../../src/metrics.js";
import { parsePoolFile } from "../../../src/pool-file.js";
import { createMemoryQueue } from "../../../src/queue/memory.js";
import { reapMessageSchema, scaleMessageSchema } from "../../../src/queue/messages.js";
import { createReport } from "../../../src/report/report.js";
import { createWorkflowJobHandlers } from "../../../src/webhooks/workflow-job.js";
import type { WorkflowJobEvent } from "../../../src/webhooks/workflow-job-event.js";
import { ManualTimers } from "../../helpers/manual-timers.js";
import { queuedPayload } from "../../helpers/queued-payload.js";

const { file } = parsePoolFile(
  `version: 1
pools:
  - name: small
    labels: [self-hosted, linux, x64, mayfly-small]
    instanceTypes: [t3.large]
    image: ami-0123456789abcdef0
    subnets: [subnet-0aaaaaaaaaaaaaaa1]
    securityGroups: [sg-0123456789abcdef0]
    maxRunners: 5
    allow: { orgs: [acme] }
  - name: oss
    labels: [self-hosted, linux, x64, mayfly-oss]
    instanceTypes: [t3.large]
    image: ami-0123456789abcdef0
    subnets: [subnet-0aaaaaaaaaaaaaaa1]
    securityGroups: [sg-0123456789abcdef0]
    maxRunners: 5
    allow: { orgs: [acme], visibilities: [public] }
  - name: closed
    labels: [self-hosted, linux, x64, mayfly-closed]
    instanceTypes: [t3.large]
    image: ami-0123456789abcdef0
    subnets: [subnet-0aaaaaaaaaaaaaaa1]
    securityGroups: [sg-0123456789abcdef0]
    maxRunners: 5
`,
  "webhooks.yml",
);
const pools = file?.pools ?? [];

/** The workflow_job handlers over the in-memory queues and fleet, reporting into a real EventLog. */
function setup() {
  const timers = new ManualTimers();
  const scaleQueue = createMemoryQueue({ now: timers.now });
  const reapQueue = createMemoryQueue({ now: timers.now });
  const fleet = createMemoryFleet({ now: timers.now, deploymentId: "d1" });
  const events = new EventLog({ now: timers.now });
  const metrics = createMetrics();
  const log = pino({ level: "silent" });
  const runnerJobs = new RunnerJobs();
  const handlers = createWorkflowJobHandlers({
    pools,
    scaleQueue,
    reapQueue,
    // A `queued` delivery never asks GitHub whether its run is a fork's (the scaler does: fork-gate.ts).
    jobs: {
      isForkRun: async () => {
        throw new Error("no fork look-up on the webhook's path");
      },
    },
    instances: { get: async (id) => fleet.instances().find((i) => i.instanceId === id) },
    report: createReport({ events, metrics, log }),
    metrics,
    runnerJobs,
    runnerPrefix: "mayfly-",
    log,
    now: timers.now,
  });
  const event = (payload: object): WorkflowJobEvent => ({
    id: "delivery-1",
    receivedAt: timers.now(),
    payload: payload as WorkflowJobEvent["payload"],
  });
  const receive = (q: typeof scaleQueue) => q.receive({ max: 10, waitSeconds: 0, visibilitySeconds: 30 });
  const counter = async (name: string) => (await metrics.registry.getSingleMetricAsString(name)).trim();
  return { timers, scaleQueue, reapQueue, fleet, events, handlers, event, receive, counter, runnerJobs };
}

/** An instance of `poolName` in the memory fleet, put in `state`; returns its id. */
async function instanceOf(s: ReturnType<typeof setup>, poolName: string, state: "running" | "terminated") {
  const [launched] = await s.fleet.launch({
    pool: pools.find((p) => p.name === poolName)!,
    instanceType: "t3.large",
    subnetId: "subnet-0aaaaaaaaaaaaaaa1",
    market: "on-demand",
    count: 1,
    clientToken: `c-${poolName}`,
    userData: "",
    tags: { [TAG.pool]: poolName, [TAG.org]: "acme" },
  });
  s.fleet.setState(launched?.instanceId ?? "", state);
  return launched?.instanceId ?? "";
}

/** GitHub's in_progress payload for job `jobId` on runner `runnerId` of instance `instanceId`. */
function startedOn(jobId: number, runnerId: number, instanceId: string) {
  const payload = queuedPayload({ jobId, installationId: 7 });
  return {
    ...payload,
    action: "in_progress",
    workflow_job: {
      ...payload.workflow_job,
      status: "in_progress",
      runner_id: runnerId,
      runner_name: `mayfly-${instanceId}`,
    },
  };
}

describe("workflow_job handlers", () => {
  it("queues an admitted job for the scaler and reports it once", async () => {
    const s = setup();
    await s.handlers.queued(s.event(queuedPayload({ jobId: 5, installationId: 7 })));
    const [message] = await s.receive(s.scaleQueue);
    expect(scaleMessageSchema.parse(JSON.parse(message?.body ?? ""))).toMatchObject({
      jobId: 5,
      pool: "small",
    });
    expect(s.events.list().map((e) => e.kind)).toEqual(["job.queued"]);
    expect(await s.counter("mayfly_jobs_queued_total")).toContain('pool="small"} 1');
  });

  it("queues a public repository's job on condition: the scaler checks the fork, the webhook asks nothing", async () => {
    const s = setup();
    const payload = queuedPayload({
      jobId: 11,
      installationId: 7,
      labels: ["self-hosted", "linux", "x64", "mayfly-oss"],
    });
    const repository = { ...payload.repository, private: false, visibility: "public" };
    await s.handlers.queued(s.event({ ...payload, repository }));
    const [message] = await s.receive(s.scaleQueue);
    expect(scaleMessageSchema.parse(JSON.parse(message?.body ?? ""))).toMatchObject({
      jobId: 11,
      pool: "oss",
      forkCheck: true,
    });
    // Not counted as allowed yet: the scaler counts it once it knows.
    expect(await s.counter("mayfly_policy_decisions_total")).not.toContain('decision="allow"');
  });

  it("denies a job its pool does not admit: reported with the reason, nothing queued", async () => {
    const s = setup();
    const labels = ["self-hosted", "linux", "x64", "mayfly-closed"];
    await s.handlers.queued(s.event(queuedPayload({ jobId: 6, installationId: 7, labels })));
    expect(await s.receive(s.scaleQueue)).toEqual([]);
    expect(s.events.list()).toEqual([
      expect.objectContaining({ kind: "policy.denied", pool: "closed", jobId: 6 }),
    ]);
  });

  it("names the nearest pool of a self-hosted job nobody serves", async () => {
    const s = setup();
    const labels = ["self-hosted", "linux", "x64", "mayfly-smal"];
    await s.handlers.queued(s.event(queuedPayload({ jobId: 8, installationId: 7, labels })));
    expect(s.events.list()).toEqual([
      expect.objectContaining({
        kind: "job.ignored",
        reason: "no-pool",
        message: expect.stringContaining("nearest"),
      }),
    ]);
  });

  it("a job completed on a Mayfly runner goes to the reaper", async () => {
    const s = setup();
    const payload = queuedPayload({ jobId: 9, installationId: 7 });
    const completed = {
      ...payload,
      action: "completed",
      workflow_job: {
        ...payload.workflow_job,
        status: "completed",
        conclusion: "success",
        runner_id: 3,
        runner_name: "mayfly-i-0123456789abcdef0",
      },
    };
    await s.handlers.completed(s.event(completed));
    const [message] = await s.receive(s.reapQueue);
    expect(reapMessageSchema.parse(JSON.parse(message?.body ?? ""))).toMatchObject({
      cause: "completed",
      runnerName: "mayfly-i-0123456789abcdef0",
    });
    expect(s.events.list().map((e) => e.kind)).toEqual(["job.completed"]);
    // Its start is known without its in_progress: the scaler's recheck need not ask GitHub.
    expect(s.runnerJobs.started(9)).toBe(true);
    expect(s.runnerJobs.started(10)).toBe(false);
  });

  it("a denied job started on a Mayfly runner is reported as a violation and sent to be contained", async () => {
    const s = setup();
    const started = startedOn(10, 4, await instanceOf(s, "closed", "running"));
    await s.handlers.inProgress(s.event(started));
    expect(s.events.list().map((e) => e.kind)).toEqual(["job.started", "policy.violation"]);
    const [message] = await s.receive(s.reapQueue);
    expect(reapMessageSchema.parse(JSON.parse(message?.body ?? ""))).toMatchObject({
      cause: "policy-violation",
    });
  });

  it.each([
    ["a denied job", "closed", ["job.started", "policy.violation", "job.suspect"]],
    ["an admitted job", "small", ["job.started", "job.suspect"]],
  ])(
    "%s whose in_progress arrives after its instance terminated: judged by that pool, and suspect",
    async (_name, poolName, kinds) => {
      const s = setup();
      const started = startedOn(11, 5, await instanceOf(s, poolName, "terminated"));
      await s.handlers.inProgress(s.event(started));
      expect(s.events.list().map((e) => e.kind)).toEqual(kinds);
      // Nothing to contain: the instance is gone already.
      expect(await s.receive(s.reapQueue)).toEqual([]);
    },
  );
});
