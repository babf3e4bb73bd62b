import { CHAOS_ROLES, type ChaosRole } from "./app-cluster.js";
import type { ChaosProfile } from "./profiles.js";
import type { Random } from "./random.js";

/**
 * The fault schedule of a chaos run, drawn from its seed: what breaks, when, for how long. Windowed faults
 * (capacity, latency, webhook drops and duplicates, an SQS outage) end by `faultsUntilMs`; counted faults
 * (the next N calls fail) are spent by the calls that follow. A pure plan; inject-fault.ts applies it.
 */
export type PlannedFault =
  | { kind: "kill"; atMs: number; role: ChaosRole; restartAtMs: number }
  | { kind: "ec2-error"; atMs: number; action: string; code: string; count: number }
  | { kind: "ec2-capacity"; atMs: number; untilMs: number; market?: "spot"; instanceType?: string }
  | {
      kind: "github-error";
      atMs: number;
      path: string;
      status: number;
      count: number;
      limit?: "primary" | "secondary";
    }
  | { kind: "github-slow"; atMs: number; untilMs: number; latencyMs: number }
  | { kind: "webhook-drop"; atMs: number; untilMs: number; probability: number; seed: number }
  | { kind: "webhook-duplicate"; atMs: number; untilMs: number; probability: number }
  | { kind: "sqs-error"; atMs: number; action: string; code: string; scope: "call" | "entry"; count: number }
  | { kind: "sqs-outage"; atMs: number; untilMs: number };

/** API paths Mayfly calls, as RegExp sources, so a fault lands on calls that happen. */
const GITHUB_PATHS = [
  "^/",
  "^/orgs/acme/actions/runners$",
  "/generate-jitconfig$",
  "^/orgs/acme/actions/runners/\\d+$",
  "^/repos/acme/[^/]+/actions/jobs/\\d+$",
  "^/repos/acme/sdk/actions/runs/\\d+$",
  "^/app/installations/\\d+/access_tokens$",
];
const EC2_ERRORS = [
  { code: "InsufficientInstanceCapacity", actions: ["RunInstances"] },
  { code: "RequestLimitExceeded", actions: ["RunInstances", "*", "DescribeInstances", "TerminateInstances"] },
  { code: "InternalError", actions: ["RunInstances", "*", "TerminateInstances"] },
  { code: "Unavailable", actions: ["RunInstances", "*", "DescribeInstances"] },
];
const SQS_ERRORS = [
  { action: "*", code: "InternalError", scope: "call" },
  { action: "*", code: "ThrottlingException", scope: "call" },
  { action: "SendMessageBatch", code: "InternalError", scope: "entry" },
  { action: "DeleteMessageBatch", code: "InternalError", scope: "entry" },
  { action: "ChangeMessageVisibilityBatch", code: "InternalError", scope: "entry" },
] as const;

type Draw = (random: Random, atMs: number, untilMs: number) => PlannedFault;

const DRAWS: readonly Draw[] = [
  (r, atMs) => {
    const { code, actions } = r.pick(EC2_ERRORS);
    return { kind: "ec2-error", atMs, action: r.pick(actions), code, count: r.int(1, 3) };
  },
  (r, atMs, until) => ({
    kind: "ec2-capacity",
    atMs,
    untilMs: windowEnd(r, atMs, until, 1_000, 5_000),
    ...(r.chance(0.5) ? { market: "spot" as const } : { instanceType: r.pick(["t3.medium", "m7i.2xlarge"]) }),
  }),
  (r, atMs) => ({
    kind: "github-error",
    atMs,
    path: r.pick(GITHUB_PATHS),
    status: r.pick([500, 502, 503]),
    count: r.int(1, 3),
  }),
  (r, atMs) => ({
    kind: "github-error",
    atMs,
    path: r.pick(GITHUB_PATHS),
    status: 403,
    count: r.int(1, 2),
    limit: "primary",
  }),
  (r, atMs) => ({
    kind: "github-error",
    atMs,
    path: r.pick(GITHUB_PATHS),
    status: r.pick([403, 429]),
    count: r.int(1, 2),
    limit: "secondary",
  }),
  (r, atMs, until) => ({
    kind: "github-slow",
    atMs,
    untilMs: windowEnd(r, atMs, until, 1_000, 5_000),
    latencyMs: r.int(200, 2_500),
  }),
  (r, atMs, until) => ({
    kind: "webhook-drop",
    atMs,
    untilMs: windowEnd(r, atMs, until, 2_000, 8_000),
    probability: r.between(0.2, 0.6),
    seed: r.int(1, 2 ** 31),
  }),
  (r, atMs, until) => ({
    kind: "webhook-duplicate",
    atMs,
    untilMs: windowEnd(r, atMs, until, 2_000, 8_000),
    probability: r.between(0.3, 0.9),
  }),
  (r, atMs) => {
    const e = r.pick(SQS_ERRORS);
    return { kind: "sqs-error", atMs, action: e.action, code: e.code, scope: e.scope, count: r.int(1, 3) };
  },
  (r, atMs, until) => ({ kind: "sqs-outage", atMs, untilMs: windowEnd(r, atMs, until, 300, 2_500) }),
];

export function planFaults(random: Random, profile: ChaosProfile): PlannedFault[] {
  const { faultsFromMs: from, faultsUntilMs: until } = profile;
  const faults: PlannedFault[] = [];
  const count = random.int(profile.faults.min, profile.faults.max);
  for (let i = 0; i < count; i++) {
    const atMs = Math.round(random.between(from, until - 1_000));
    faults.push(random.pick(DRAWS)(random, atMs, until));
  }
  const kills = random.int(profile.kills.min, profile.kills.max);
  for (let i = 0; i < kills; i++) {
    const atMs = Math.round(random.between(from, profile.killsUntilMs));
    const restartAtMs = atMs + random.int(profile.restartAfterMs.min, profile.restartAfterMs.max);
    faults.push({ kind: "kill", atMs, role: random.pick(CHAOS_ROLES), restartAtMs });
  }
  return faults.sort((a, b) => a.atMs - b.atMs);
}

function windowEnd(random: Random, atMs: number, untilMs: number, min: number, max: number): number {
  return Math.min(untilMs, atMs + random.int(min, max));
}
