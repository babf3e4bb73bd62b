import { describe, expect, it } from "vitest";
import { EventLog } from "../../../src/events/event-log.js";
import { createMetrics } from "../../../src/metrics.js";
import { createReport } from "../../../src/report/report.js";

function setup() {
  const events = new EventLog({ now: () => 1_000 });
  const metrics = createMetrics();
  const lines: Array<{ level: string; fields: object; message?: string }> = [];
  const at =
    (level: string) =>
    (fields: object, message?: string): void => {
      lines.push({ level, fields, message });
    };
  const log = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  return { events, metrics, lines, report: createReport({ events, metrics, log }) };
}

async function counted(metrics: ReturnType<typeof createMetrics>, name: string) {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values ?? []).map((v) => ({ labels: v.labels, value: v.value }));
}

describe("report", () => {
  it.each([
    {
      kind: "reap.terminated" as const,
      fields: { reason: "job-completed", instanceId: "i-0123456789abcdef0", message: "terminated" },
      metric: "mayfly_reaps_total",
      labels: { reason: "job-completed", action: "terminated" },
      level: "info",
    },
    {
      kind: "reap.runner-removed" as const,
      fields: { reason: "idle-timeout", message: "removed" },
      metric: "mayfly_reaps_total",
      labels: { reason: "idle-timeout", action: "runner-removed" },
      level: "info",
    },
    {
      kind: "policy.violation" as const,
      fields: { reason: "repo-not-allowed", jobId: 7, message: "violation" },
      metric: "mayfly_policy_decisions_total",
      labels: { decision: "violation", reason: "repo-not-allowed" },
      level: "warn",
    },
    {
      kind: "bootstrap.refused" as const,
      fields: { reason: "bad-token", message: "refused" },
      metric: "mayfly_bootstrap_refusals_total",
      labels: { reason: "bad-token" },
      level: "warn",
    },
  ])("$kind writes its event, its metric ($metric) and a $level line", async (row) => {
    const { events, metrics, lines, report } = setup();
    report(row.kind, row.fields);
    expect(events.list()).toEqual([expect.objectContaining({ kind: row.kind, ...row.fields, at: 1_000 })]);
    expect(await counted(metrics, row.metric)).toEqual([{ labels: row.labels, value: 1 }]);
    expect(lines).toEqual([
      { level: row.level, fields: expect.objectContaining({ event: row.kind }), message: row.fields.message },
    ]);
  });

  it("counts a summary as many, and logs the error without putting it in the event", async () => {
    const { events, metrics, lines, report } = setup();
    const err = new Error("detail for operators");
    report("bootstrap.refused", { reason: "rate-limited", count: 40, err, message: "40 refused in 10 s" });
    expect(await counted(metrics, "mayfly_bootstrap_refusals_total")).toEqual([
      { labels: { reason: "rate-limited" }, value: 40 },
    ]);
    expect(events.list()[0]).not.toHaveProperty("err");
    expect(events.list()[0]).not.toHaveProperty("count");
    expect(lines[0]?.fields).toMatchObject({ count: 40, err });
  });

  it("kinds without a metric write only the event and the line", async () => {
    const { events, metrics, lines, report } = setup();
    report("job.started", { jobId: 3, runnerName: "mayfly-i-0123456789abcdef0", message: "job 3 started" });
    expect(events.list()).toHaveLength(1);
    expect(lines[0]?.level).toBe("info");
    const counts = await Promise.all(
      ["mayfly_reaps_total", "mayfly_launches_total", "mayfly_jobs_queued_total"].map((name) =>
        counted(metrics, name),
      ),
    );
    expect(counts.flat()).toEqual([]);
  });

  it("refuses at compile time a counted kind without its label", () => {
    const { report } = setup();
    // @ts-expect-error reap.terminated counts by reason, so a report without one does not type-check.
    expect(() => report("reap.terminated", { message: "no reason" })).not.toThrow();
  });
});
