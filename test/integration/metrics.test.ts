import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../sandbox/sandbox.js";
import { startMayfly } from "../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../src/mayfly.js";
import { waitFor } from "../helpers/wait-for.js";

const SMALL = ["self-hosted", "linux", "x64", "mayfly-small"];

/** Parses Prometheus text exposition into "name{labels}" → value. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe("Prometheus metrics follow a scripted scenario", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly & { url: string };
  let metrics: Map<string, number>;
  const scrape = () =>
    fetch(`${mayfly.url}/metrics`, { headers: { authorization: `Bearer ${mayfly.config.metrics.token}` } });
  beforeAll(async () => {
    sandbox = await startSandbox({ bootDelayMs: 100 });
    mayfly = await startMayfly(sandbox);
    // Two allowed jobs, one denied (public repo), one forged bootstrap, then everything completes.
    const jobs = [
      sandbox.github.enqueueJob({ org: "acme", repo: "api", labels: SMALL, durationMs: 1_500 }),
      sandbox.github.enqueueJob({ org: "acme", repo: "web", labels: SMALL, durationMs: 1_500 }),
    ];
    sandbox.github.enqueueJob({ org: "acme", repo: "docs", labels: SMALL, durationMs: 100 });
    await fetch(`${mayfly.url}/bootstrap`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: "forged", identity: { document: "{}", signature: "AA==" } }),
    });
    await waitFor("both busy", () => sandbox.github.runners("acme").filter((r) => r.busy).length === 2);
    await mayfly.sweep();
    metrics = parse(await (await scrape()).text());
    expect(metrics.get('mayfly_runners{pool="small",state="busy"}')).toBe(2);
    await waitFor("jobs done", () => jobs.every((j) => sandbox.github.job(j.id)?.conclusion === "success"));
    await waitFor("revoked", () => mayfly.events.list({ kinds: ["reap.terminated"] }).length === 2);
    await waitFor("fleet empty", () => sandbox.ec2.instances().every((i) => i.state === "terminated"));
    await mayfly.sweep();
    const res = await scrape();
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    metrics = parse(await res.text());
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it.each([
    ['mayfly_jobs_queued_total{pool="small"}', 2],
    ['mayfly_policy_decisions_total{decision="allow",reason="allowed"}', 2],
    ['mayfly_policy_decisions_total{decision="deny",reason="visibility-not-allowed"}', 1],
    ['mayfly_launches_total{pool="small",result="success"}', 2],
    ['mayfly_bootstrap_issued_total{pool="small"}', 2],
    ['mayfly_bootstrap_refusals_total{reason="token-invalid"}', 1],
    ['mayfly_queue_time_seconds_count{pool="small"}', 2],
    ['mayfly_launch_latency_seconds_count{pool="small"}', 2],
    ["mayfly_time_to_revoke_seconds_count", 2],
    ['mayfly_reaps_total{reason="job-completed",action="terminated"}', 2],
    ['mayfly_webhooks_total{action="queued",result="queued"}', 2],
    ['mayfly_webhooks_total{action="queued",result="denied"}', 1],
    ['mayfly_webhooks_total{action="completed",result="reap"}', 2],
  ])("%s = %d", (series, value) => {
    expect(metrics.get(series)).toBe(value);
  });

  it("counts GitHub and EC2 calls, and no throttles", () => {
    expect(metrics.get('mayfly_github_calls_total{method="POST",status="201"}')).toBeGreaterThanOrEqual(2);
    expect(metrics.get('mayfly_ec2_calls_total{action="RunInstances",result="ok"}')).toBeGreaterThanOrEqual(
      1,
    );
    // Completions close together share one batched TerminateInstances.
    expect(
      metrics.get('mayfly_ec2_calls_total{action="TerminateInstances",result="ok"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      metrics.get('mayfly_ec2_calls_total{action="TerminateInstances",result="ok"}'),
    ).toBeLessThanOrEqual(2);
    expect(
      [...metrics.keys()].filter(
        (k) => k.startsWith("mayfly_github_throttles_total") || k.startsWith("mayfly_ec2_throttles_total"),
      ),
    ).toEqual([]);
  });

  it("shows no runners once the fleet is empty, and every series is mayfly_-prefixed", () => {
    expect([...metrics.keys()].filter((k) => k.startsWith("mayfly_runners{"))).toEqual([]);
    expect([...metrics.keys()].every((k) => k.startsWith("mayfly_"))).toBe(true);
  });
});
