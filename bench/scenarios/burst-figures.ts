import type { FigureSpec } from "../harness/figure.js";

/** GitHub's secondary limit: 900 points a minute per endpoint and App identity, a POST costs 5 (reference §2.5). */
export const GITHUB_JIT_CEILING_PER_MINUTE = 900 / 5;
/** The org's runner registrations, whatever the Apps: 1,500 per 5 minutes (docs.github.com actions/reference/limits). */
export const ORG_REGISTRATIONS_PER_5_MINUTES = 1500;
/** The pace that keeps every 5-minute window under the org's limit (50 at once + 5 × 290 = 1,500; ADR 0013). */
export const ORG_PACE_PER_MINUTE = 290;

/**
 * The time to register every runner at the ceiling the identities allow, plus 5% (issue 15): one identity
 * 180 a minute (1,000 → 350 s); two or more are held to the org pace, 290 a minute (1,000 → 217 s).
 */
export function registeredTargetSeconds(jobs: number, identities: number): number {
  const perMinute = identities > 1 ? ORG_PACE_PER_MINUTE : GITHUB_JIT_CEILING_PER_MINUTE * identities;
  return Math.round((jobs / perMinute) * 60 * 1.05);
}

/** The burst's figures; targets that depend on the run's App identities come from `burstFigures`. */
export function burstFigures(jobs: number, identities: number): FigureSpec[] {
  return [
    {
      id: "launchesIssuedSeconds",
      label: "Burst: all launch requests issued",
      unit: "s",
      target: { op: "<=", value: 30, on: "median", source: "issue 3" },
    },
    {
      id: "registeredSeconds",
      label: "Burst: all runners registered",
      unit: "s",
      target: {
        op: "<=",
        value: registeredTargetSeconds(jobs, identities),
        on: "worst",
        source: `issue 15 (${identities} App identit${identities === 1 ? "y" : "ies"})`,
      },
    },
    {
      id: "jitPerMinutePeak",
      label: "Burst: JIT configs/min, all identities (peak 60 s)",
      unit: "per-min",
      target: {
        op: "<=",
        value: GITHUB_JIT_CEILING_PER_MINUTE * identities,
        on: "worst",
        source: "GitHub secondary limit per identity",
      },
    },
    {
      id: "registrationsPer5MinutesPeak",
      label: "Burst: runner registrations in any 5 min",
      unit: "count",
      target: { op: "<=", value: ORG_REGISTRATIONS_PER_5_MINUTES, on: "worst", source: "GitHub org limit" },
    },
    { id: "jitPerMinuteMean", label: "Burst: JIT configs/min, all identities (mean)", unit: "per-min" },
    {
      id: "githubCallsPerJob",
      label: "Burst: GitHub calls per job",
      unit: "per-job",
      target: { op: "<=", value: 1.05, on: "worst", source: "issue 15" },
    },
    {
      id: "ec2CallsPerJobToLaunch",
      label: "Burst: EC2 calls per job, scale path",
      unit: "per-job",
      target: { op: "<=", value: 0.2, on: "median", source: "issue 3" },
    },
    { id: "ec2CallsPerJob", label: "Burst: EC2 calls per job, whole run", unit: "per-job" },
    { id: "sqsCallsPerJob", label: "Burst: SQS calls per job, whole run", unit: "per-job" },
    { id: "instancesPerJob", label: "Burst: instances launched per job", unit: "per-job" },
    zero("githubSecondaryLimited", "Burst: GitHub secondary-limit answers", "issue 7"),
    zero("githubPrimaryLimited", "Burst: GitHub primary-limit answers", "issue 7"),
    zero("githubRegistrationLimited", "Burst: GitHub org registration-limit answers", "issue 15"),
    zero("ec2Throttled", "Burst: EC2 RequestLimitExceeded answers", "issue 3"),
    zero("launchFailures", "Burst: launch failures surfaced", "issue 3"),
    zero("webhooksFailed", "Burst: webhook deliveries failed", "GitHub does not retry"),
    { id: "launchLatencyP50", label: "Burst: webhook → launch request p50", unit: "ms" },
    { id: "launchLatencyP99", label: "Burst: webhook → launch request p99", unit: "ms" },
    { id: "bootstrapRefusals", label: "Burst: bootstrap refusals", unit: "count" },
    {
      id: "cpuSeconds",
      label: "Burst: control-plane CPU seconds (all replicas)",
      unit: "s",
      target: { op: "<=", value: 19, on: "worst", source: "issue 15" },
    },
    {
      id: "peakRssMiB",
      label: "Burst: control-plane peak RSS (largest replica)",
      unit: "MiB",
      target: { op: "<=", value: 240, on: "worst", source: "issue 15" },
    },
  ];
}

export const BURST_FIGURES: FigureSpec[] = burstFigures(1000, 1);

function zero(id: string, label: string, source: string): FigureSpec {
  return { id, label, unit: "count", target: { op: "<=", value: 0, on: "worst", source } };
}
