import type { FigureSpec } from "../harness/figure.js";

/** GitHub's secondary limit: 900 points a minute per endpoint, a POST costs 5 (reference §2.5). */
export const GITHUB_JIT_CEILING_PER_MINUTE = 900 / 5;

export const BURST_FIGURES: FigureSpec[] = [
  {
    id: "launchesIssuedSeconds",
    label: "Burst: all launch requests issued",
    unit: "s",
    target: { op: "<=", value: 30, on: "median", source: "issue 3" },
  },
  { id: "registeredSeconds", label: "Burst: all runners registered", unit: "s" },
  {
    id: "jitPerMinutePeak",
    label: "Burst: JIT configs/min/installation (peak 60 s)",
    unit: "per-min",
    target: { op: "<=", value: GITHUB_JIT_CEILING_PER_MINUTE, on: "worst", source: "GitHub secondary limit" },
  },
  { id: "jitPerMinuteMean", label: "Burst: JIT configs/min/installation (mean)", unit: "per-min" },
  { id: "githubCallsPerJob", label: "Burst: GitHub calls per job", unit: "per-job" },
  {
    id: "ec2CallsPerJobToLaunch",
    label: "Burst: EC2 calls per job, scale path",
    unit: "per-job",
    target: { op: "<=", value: 0.2, on: "median", source: "issue 3" },
  },
  { id: "ec2CallsPerJob", label: "Burst: EC2 calls per job, whole run", unit: "per-job" },
  { id: "instancesPerJob", label: "Burst: instances launched per job", unit: "per-job" },
  zero("githubSecondaryLimited", "Burst: GitHub secondary-limit answers", "issue 7"),
  zero("githubPrimaryLimited", "Burst: GitHub primary-limit answers", "issue 7"),
  zero("ec2Throttled", "Burst: EC2 RequestLimitExceeded answers", "issue 3"),
  zero("launchFailures", "Burst: launch failures surfaced", "issue 3"),
  zero("webhooksFailed", "Burst: webhook deliveries failed", "GitHub does not retry"),
  { id: "launchLatencyP50", label: "Burst: webhook → launch request p50", unit: "ms" },
  { id: "launchLatencyP99", label: "Burst: webhook → launch request p99", unit: "ms" },
  { id: "bootstrapRefusals", label: "Burst: bootstrap refusals", unit: "count" },
];

function zero(id: string, label: string, source: string): FigureSpec {
  return { id, label, unit: "count", target: { op: "<=", value: 0, on: "worst", source } };
}
