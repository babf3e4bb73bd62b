import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { jobEvent, signedDelivery } from "../../../bench/harness/job-deliveries.js";
import { workflowJobPayloadSchema } from "../../../src/webhooks/workflow-job-event.js";

const template = {
  action: "queued",
  workflow_job: {
    id: 1,
    run_id: 1,
    labels: ["self-hosted", "linux", "x64", "mayfly-small"],
    status: "queued",
    conclusion: null,
    created_at: "2026-11-25T10:00:00Z",
    started_at: "2026-11-25T10:00:00Z",
    name: "build",
    runner_id: null,
    runner_name: null,
  },
  repository: { id: 7, full_name: "acme/api", private: true, owner: { login: "acme" } },
  organization: { login: "acme" },
  installation: { id: 3 },
};

describe("signedDelivery", () => {
  it("cycles queued, in_progress, completed per job, every one a valid workflow_job payload", () => {
    const deliveries = Array.from({ length: 6 }, (_, i) => signedDelivery(template, "s3cret", 100, i));
    const payloads = deliveries.map((d) => workflowJobPayloadSchema.parse(JSON.parse(d.body)));
    expect(payloads.map((p) => [p.action, p.workflow_job.id])).toEqual([
      ["queued", 100],
      ["in_progress", 100],
      ["completed", 100],
      ["queued", 101],
      ["in_progress", 101],
      ["completed", 101],
    ]);
    expect(payloads[0]!.workflow_job.runner_name).toBeNull();
    expect(payloads[1]!.workflow_job.runner_name).toMatch(/^mayfly-i-[0-9a-f]{17}$/);
    expect(payloads[2]!.workflow_job.conclusion).toBe("success");
  });

  it("signs the exact body with HMAC-SHA256 and gives each delivery its own GUID", () => {
    const a = signedDelivery(template, "s3cret", 1, 0);
    const b = signedDelivery(template, "s3cret", 1, 0);
    const expected = createHmac("sha256", "s3cret").update(a.body).digest("hex");
    expect(a.headers["x-hub-signature-256"]).toBe(`sha256=${expected}`);
    expect(a.headers["x-github-event"]).toBe("workflow_job");
    expect(a.headers["x-github-delivery"]).not.toBe(b.headers["x-github-delivery"]);
  });
});

describe("jobEvent", () => {
  it("names the given runner and leaves the template untouched", () => {
    const event = jobEvent(template, "in_progress", 42, "mayfly-i-0123456789abcdef0");
    expect(event.workflow_job).toMatchObject({
      id: 42,
      status: "in_progress",
      runner_name: "mayfly-i-0123456789abcdef0",
    });
    expect(template.workflow_job.id).toBe(1);
  });
});
