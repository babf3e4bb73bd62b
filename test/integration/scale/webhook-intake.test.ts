import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../../sandbox/sandbox.js";
import { startMayfly } from "../../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../../src/mayfly.js";
import { queuedPayload } from "../../helpers/queued-payload.js";
import { waitFor } from "../../helpers/wait-for.js";

const SMALL = ["self-hosted", "linux", "x64", "mayfly-small"];

describe("webhook intake", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly & { url: string };
  let secret: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ bootDelayMs: 50, agentBehaviour: () => "never-bootstrap" });
    mayfly = await startMayfly(sandbox, { env: { MAYFLY_ROLES: "webhooks,bootstrap,scaler,reaper" } });
    secret = (await sandbox.env()).WEBHOOK_SECRET!;
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  const queued = (jobId: number) =>
    queuedPayload({ jobId, installationId: 1, labels: SMALL, createdAt: new Date().toISOString() });
  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${mayfly.url}/api/github/webhooks`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...headers },
    });
  const sign = (body: string, key = secret) =>
    `sha256=${createHmac("sha256", key).update(body).digest("hex")}`;
  const scaleMessages = () => {
    const q = sandbox.sqs.queue("mayfly-scale.fifo");
    return (q?.visible.length ?? 0) + (q?.inFlight.length ?? 0) + (q?.delayed.length ?? 0);
  };

  it.each([
    ["a forged signature", (b: string) => ({ "x-hub-signature-256": sign(b, "not-the-secret") }), 401],
    ["no signature", () => ({}), 401],
    ["a signature that is not hex", () => ({ "x-hub-signature-256": "sha256=zz" }), 401],
  ])("refuses %s with %s and queues nothing", async (_, headers, status) => {
    const body = JSON.stringify(queued(9001));
    const res = await post(body, {
      "x-github-event": "workflow_job",
      "x-github-delivery": "d-1",
      ...headers(body),
    });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toMatch(/signature/i);
    expect(scaleMessages()).toBe(0);
  });

  it.each([
    ["a body that is not JSON", "{not json", /not JSON/],
    [
      "a payload without workflow_job",
      JSON.stringify({ action: "queued", repository: {} }),
      /malformed workflow_job payload: workflow_job/,
    ],
    [
      "a job id that is a string",
      JSON.stringify({ ...queued(1), workflow_job: { ...queued(1).workflow_job, id: "7" } }),
      /workflow_job\.id/,
    ],
    ["an unknown action", JSON.stringify({ ...queued(1), action: "exploded" }), /action/],
  ])("answers %s with 400 naming the problem, and queues nothing", async (_, body, message) => {
    const res = await post(body, {
      "x-github-event": "workflow_job",
      "x-github-delivery": "d-2",
      "x-hub-signature-256": sign(body),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
    expect(scaleMessages()).toBe(0);
  });

  it("answers a ping and ignores other events", async () => {
    const body = JSON.stringify({ zen: "Keep it logically awesome." });
    expect(
      (
        await post(body, {
          "x-github-event": "ping",
          "x-github-delivery": "d-3",
          "x-hub-signature-256": sign(body),
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await post(body, {
          "x-github-event": "push",
          "x-github-delivery": "d-4",
          "x-hub-signature-256": sign(body),
        })
      ).status,
    ).toBe(202);
  });

  it("answers 503 during a queue outage, loses nothing, and the redelivered webhook launches", async () => {
    sandbox.sqs.setOutage(true);
    const job = sandbox.github.enqueueJob({ org: "acme", repo: "api", labels: SMALL, durationMs: 100 });
    const failed = await waitFor("failed delivery", () =>
      sandbox.github
        .deliveries()
        .find((d) => (d.payload as { workflow_job?: { id: number } }).workflow_job?.id === job.id),
    );
    expect(failed.statusCode).toBe(503);
    expect(sandbox.ec2.instances()).toHaveLength(0);
    sandbox.sqs.setOutage(false);
    expect(await mayfly.redeliver()).toBe(1);
    await waitFor("instance launched after redelivery", () => sandbox.ec2.instances().length === 1);
    const attempts = sandbox.github.deliveries().filter((d) => d.guid === failed.guid);
    expect(attempts.map((a) => a.statusCode)).toEqual([503, 200]);
  });
});
