import type { Sandbox } from "../../sandbox/sandbox.js";
import type { AppReport } from "../harness/app-process.js";
import { maxInWindow } from "../harness/max-in-window.js";
import { percentile } from "../harness/percentile.js";
import type { ScenarioRun } from "../harness/scenario.js";
import { secondsToNth, total, type watchGitHub } from "../harness/world-watch.js";
import { BOOT_DELAY_MS, BURST_CONFIG, BURST_TIMEOUTS, JOB_DURATION_MS } from "./burst-config.js";

type Times = ReturnType<typeof watchGitHub>["times"];

/**
 * The burst's figures, read on the other side of the wire where possible: launch times and EC2 calls from
 * the EC2 emulator, runners and GitHub calls from the GitHub emulator; latencies and failures from the app.
 */
export function summariseBurst(
  sandbox: Sandbox,
  jobs: number,
  start: number,
  times: Times,
  report: AppReport | undefined,
  /** EC2 calls counted when the last launch request was issued. */
  ec2CallsAtLastLaunch?: Record<string, number>,
  /** Per replica: CPU seconds over the burst, peak RSS. */
  processes?: { replicas: number; cpuSeconds: number[]; peakRssMiB: number[] },
): ScenarioRun {
  const gh = sandbox.github.stats();
  const ec2 = sandbox.ec2.stats();
  const sqs = sandbox.sqs.stats();
  const instances = sandbox.ec2.instances();
  const created = [...times.runnerCreated].sort((a, b) => a - b);
  // Over the runners that did register, so a stalled run still shows the pace it kept.
  const registered = Math.min(jobs, created.length);
  const firstToLastMinutes = ((created[registered - 1] ?? 0) - (created[0] ?? 0)) / 60_000;
  const latencyMs = (report?.launchLatencySeconds ?? []).map((s) => s * 1000);
  const events = report?.events ?? {};
  const deliveries = sandbox.github.deliveries();
  return {
    values: {
      launchesIssuedSeconds: secondsToNth(
        instances.map((i) => i.launchTime),
        jobs,
        start,
      ),
      registeredSeconds: secondsToNth(created, jobs, start),
      jitPerMinutePeak: maxInWindow(created, 60_000),
      registrationsPer5MinutesPeak: maxInWindow(created, 300_000),
      jitPerMinuteMean: firstToLastMinutes > 0 ? (registered - 1) / firstToLastMinutes : undefined,
      githubCallsPerJob: total(gh.calls) / jobs,
      ec2CallsPerJobToLaunch: ec2CallsAtLastLaunch ? total(ec2CallsAtLastLaunch) / jobs : undefined,
      ec2CallsPerJob: total(ec2.calls) / jobs,
      sqsCallsPerJob: total(sqs.calls) / jobs,
      instancesPerJob: instances.length / jobs,
      githubSecondaryLimited: gh.secondaryLimited,
      githubPrimaryLimited: gh.primaryLimited,
      githubRegistrationLimited: gh.registrationLimited,
      ec2Throttled: total(ec2.throttled),
      launchFailures: countKind(events, "launch.failed"),
      webhooksFailed: deliveries.filter((d) => d.statusCode < 200 || d.statusCode > 299).length,
      launchLatencyP50: percentile(latencyMs, 50),
      launchLatencyP99: percentile(latencyMs, 99),
      bootstrapRefusals: countKind(events, "bootstrap.refused"),
      cpuSeconds: processes?.cpuSeconds.reduce((a, b) => a + b, 0),
      peakRssMiB: processes && Math.max(...processes.peakRssMiB),
    },
    details: {
      jobs,
      jobDurationMs: JOB_DURATION_MS,
      config: { ...BURST_CONFIG, bootDelayMs: BOOT_DELAY_MS, timeouts: BURST_TIMEOUTS },
      githubCalls: gh.calls,
      githubByStatus: gh.byStatus,
      jitConfigsPerMinute: gh.jitConfigsPerMinute,
      ec2Calls: ec2.calls,
      sqsCallsPerJobByOperation: Object.fromEntries(
        Object.entries(sqs.calls).map(([op, n]) => [op, Math.round((n / jobs) * 100) / 100]),
      ),
      processes,
      ec2CallsAtLastLaunch,
      ec2Throttled: ec2.throttled,
      ec2Errors: ec2.errors,
      appEvents: events,
      webhooks: deliverySummary(deliveries, start),
      revokeP50Ms: percentile(
        (report?.revokeSeconds ?? []).map((s) => s * 1000),
        50,
      ),
      revokeP99Ms: percentile(
        (report?.revokeSeconds ?? []).map((s) => s * 1000),
        99,
      ),
    },
  };
}

function countKind(events: Readonly<Record<string, number>>, kind: string): number {
  return Object.entries(events)
    .filter(([key]) => key === kind || key.startsWith(`${kind}:`))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** How the app answered the webhook deliveries, by action: statuses, answer time, when the last was answered. */
function deliverySummary(deliveries: ReturnType<Sandbox["github"]["deliveries"]>, start: number) {
  const byAction = new Map<string, { durations: number[]; statuses: Record<string, number>; last: number }>();
  for (const d of deliveries) {
    const entry = byAction.get(d.action ?? "none") ?? { durations: [], statuses: {}, last: 0 };
    entry.durations.push(d.durationMs);
    entry.statuses[d.statusCode] = (entry.statuses[d.statusCode] ?? 0) + 1;
    entry.last = Math.max(entry.last, d.deliveredAt + d.durationMs);
    byAction.set(d.action ?? "none", entry);
  }
  return Object.fromEntries(
    [...byAction].map(([action, e]) => [
      action,
      {
        count: e.durations.length,
        statuses: e.statuses,
        p50Ms: percentile(e.durations, 50),
        p99Ms: percentile(e.durations, 99),
        lastAnsweredSeconds: (e.last - start) / 1000,
      },
    ]),
  );
}
