import type { CapacityRule } from "../../emulators/src/ec2/options.js";
import type { EnqueueJobInput } from "../../emulators/src/github/types.js";
import { type ExpectedOutcome, JOB_MIX, type JobKind, SMALL_POOL_SPOT_TYPES } from "./job-mix.js";
import { deriveSeed, type SeededRandom, seededRandom } from "./seeded-random.js";

/**
 * The traffic schedule as data: a seed and a cycle number give the same list of timed actions every time,
 * so a demo, a benchmark or a chaos run can be replayed. Each cycle plays a script over a Poisson
 * background: one of each case the dashboard explains early on (a hosted-runner job, a denied public
 * repo, a fork, a repo the large pool refuses, a cancellation), a matrix burst, and a spot outage on the
 * small pool's instance types that forces the on-demand fallback.
 */
export interface TrafficPlanOptions {
  seed: number;
  /** Background arrivals per minute (Poisson); 0 leaves only the script. Default 30. */
  ratePerMinute?: number;
  /** Length of one cycle; the script scales with it. Default 120 s. */
  cycleMs?: number;
  /** Jobs in each cycle's matrix burst; 0 for none. Default 12. */
  burstSize?: number;
  /** Take the small pool's spot capacity away for part of each cycle. Default true. */
  spotOutage?: boolean;
  /**
   * Interrupt one of the small pool's running spot instances once a cycle (EC2's two-minute warning, on
   * the emulator clock), so interruptions, the re-run and the breaker show. Default false: it moves the
   * pool to on-demand for a while, which scenarios that measure the spot outage do not want.
   */
  spotInterruption?: boolean;
  /** Run time of a job before its kind's factor. Default 3–20 s. */
  jobDurationMs?: { min: number; max: number };
  /** Share of runnable background jobs cancelled by their author. Default 0.08. */
  cancelRate?: number;
  /** Share of runnable jobs that fail. Default 0.1. */
  failureRate?: number;
  /**
   * Denied and hosted-runner jobs are cancelled this long after they queue, as their authors would (no
   * runner ever takes them here), so the emulator's queue stays bounded. Default 60 s.
   */
  abandonAfterMs?: number;
  org?: string;
}

export type TrafficAction =
  | {
      atMs: number;
      kind: "enqueue";
      /** Names the job for a later cancel (the emulator's id is known only once enqueued). */
      ref: string;
      jobKind: JobKind;
      expected: ExpectedOutcome;
      job: EnqueueJobInput;
    }
  | { atMs: number; kind: "cancel"; ref: string }
  | { atMs: number; kind: "capacity"; rules: CapacityRule[]; note: string }
  /** Interrupts one running spot instance of the pool (the oldest), if it has one. */
  | { atMs: number; kind: "interrupt"; pool: string; note: string };

/** Where in a cycle (as a fraction of it) the scripted beats happen. */
export const SCRIPT = {
  showcase: [
    { at: 0.03, kind: "unclaimed" },
    { at: 0.06, kind: "denied-public-repo" },
    { at: 0.09, kind: "denied-fork" },
    { at: 0.12, kind: "denied-repo" },
  ],
  cancelledJob: 0.15,
  burst: 0.25,
  // The small job comes early in the outage: its spot attempts (four, each paced by the RunInstances
  // bucket) must fail before the on-demand one, all inside the window.
  spotOutage: { from: 0.35, job: 0.4, to: 0.65 },
  // After the burst, while its jobs run on the small pool's spot runners.
  spotInterruption: 0.3,
} as const;

const BURST_SPREAD_MS = 1_000;

export function planTraffic(options: TrafficPlanOptions, cycle = 0): TrafficAction[] {
  const o = withDefaults(options);
  const random = seededRandom(deriveSeed(o.seed, cycle));
  const actions: TrafficAction[] = [];
  let n = 0;
  const enqueue = (atMs: number, kind: JobKind, cancel: boolean, extra: Partial<EnqueueJobInput> = {}) => {
    const ref = `${cycle}-${n++}`;
    const job = { ...jobOf(kind, o, random), ...extra };
    actions.push({ atMs, kind: "enqueue", ref, jobKind: kind, expected: JOB_MIX[kind].expected, job });
    if (cancel) actions.push({ atMs: atMs + random.between(0, job.durationMs), kind: "cancel", ref });
    else if (JOB_MIX[kind].expected !== "runs")
      actions.push({ atMs: atMs + o.abandonAfterMs, kind: "cancel", ref });
  };

  for (const beat of SCRIPT.showcase) enqueue(beat.at * o.cycleMs, beat.kind, false);
  enqueue(SCRIPT.cancelledJob * o.cycleMs, "small", true);
  if (o.burstSize > 0) {
    const start = SCRIPT.burst * o.cycleMs;
    const kind = random.chance(0.7) ? "small" : "large";
    const repo = random.pick(JOB_MIX[kind].repos);
    for (let i = 0; i < o.burstSize; i++) {
      enqueue(start + random.between(0, BURST_SPREAD_MS), kind, false, {
        repo,
        workflowName: "CI",
        jobName: `test (shard ${i + 1}/${o.burstSize})`,
      });
    }
  }
  if (o.spotOutage) {
    const { from, job, to } = SCRIPT.spotOutage;
    const rules = (limit: number) =>
      SMALL_POOL_SPOT_TYPES.map((instanceType) => ({ market: "spot" as const, instanceType, limit }));
    const note = `spot capacity for ${SMALL_POOL_SPOT_TYPES.join(", ")}`;
    actions.push({ atMs: from * o.cycleMs, kind: "capacity", rules: rules(0), note: `no ${note}` });
    enqueue(job * o.cycleMs, "small", false);
    actions.push({ atMs: to * o.cycleMs, kind: "capacity", rules: rules(Infinity), note: `${note} back` });
  }
  if (o.spotInterruption)
    actions.push({
      atMs: SCRIPT.spotInterruption * o.cycleMs,
      kind: "interrupt",
      pool: "small",
      note: "a spot interruption warning for the small pool's oldest running spot instance",
    });
  // Background: Poisson arrivals, the first at once so a fresh demo shows a runner quickly.
  const meanGapMs = 60_000 / o.ratePerMinute;
  for (let at = 0; o.ratePerMinute > 0 && at < o.cycleMs; at += random.exponential(meanGapMs)) {
    const kind = random.weighted(backgroundKinds).kind;
    enqueue(at, kind, JOB_MIX[kind].expected === "runs" && random.chance(o.cancelRate));
  }
  return actions
    .map((a, order) => ({ a, order }))
    .sort((x, y) => x.a.atMs - y.a.atMs || x.order - y.order)
    .map(({ a }) => ({ ...a, atMs: Math.round(a.atMs) }));
}

const backgroundKinds = (Object.keys(JOB_MIX) as JobKind[]).map((kind) => ({
  kind,
  weight: JOB_MIX[kind].weight,
}));

type Resolved = Required<TrafficPlanOptions>;

function withDefaults(options: TrafficPlanOptions): Resolved {
  const resolved: Resolved = {
    ratePerMinute: 30,
    cycleMs: 120_000,
    burstSize: 12,
    spotOutage: true,
    spotInterruption: false,
    jobDurationMs: { min: 3_000, max: 20_000 },
    cancelRate: 0.08,
    failureRate: 0.1,
    abandonAfterMs: 60_000,
    org: "acme",
    ...options,
  };
  if (!(resolved.cycleMs > 0)) throw new RangeError("cycleMs must be positive");
  if (!(resolved.ratePerMinute >= 0)) throw new RangeError("ratePerMinute must be 0 or more");
  if (!(resolved.abandonAfterMs >= 0)) throw new RangeError("abandonAfterMs must be 0 or more");
  if (!(resolved.jobDurationMs.min >= 0 && resolved.jobDurationMs.max >= resolved.jobDurationMs.min))
    throw new RangeError("jobDurationMs needs 0 <= min <= max");
  return resolved;
}

function jobOf(kind: JobKind, o: Resolved, random: SeededRandom): EnqueueJobInput {
  const spec = JOB_MIX[kind];
  const names = random.pick(spec.workflows);
  const { min, max } = o.jobDurationMs;
  return {
    org: o.org,
    repo: random.pick(spec.repos),
    labels: [...random.pick(spec.labels)],
    durationMs: Math.round(random.between(min, max) * spec.durationFactor),
    conclusion: random.chance(o.failureRate) ? "failure" : "success",
    fromFork: spec.fromFork ?? false,
    workflowName: names.workflow,
    jobName: names.job,
  };
}
