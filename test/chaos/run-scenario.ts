import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox } from "../../sandbox/sandbox.js";
import { appBundle } from "./app-bundle.js";
import { type AppCluster, startCluster } from "./app-cluster.js";
import { type PlannedFault, planFaults } from "./fault-plan.js";
import { describeFault } from "./inject-fault.js";
import { ALL_INVARIANTS, check, LIVENESS, type ObservedState, type Violation } from "./invariants.js";
import { observeState } from "./observe-state.js";
import type { ChaosProfile } from "./profiles.js";
import { createRandom } from "./random.js";
import { runTimeline } from "./run-timeline.js";
import { type Settled, settle } from "./settle.js";
import { Trace } from "./trace.js";
import { WARM_TARGET, warmPoolsYaml } from "./warm-pools.js";
import { watchWorld } from "./watch-world.js";
import { type PlannedJob, planWorkload } from "./workload.js";

/**
 * One seeded chaos run: the three roles as processes against fresh emulators, a mixed workload and a
 * fault schedule drawn from the seed, then the faults stop and the run waits for the system to settle
 * (every liveness invariant holds and no message waits to be handled) before judging every invariant.
 */
export interface ScenarioResult {
  seed: number;
  profile: string;
  violations: Violation[];
  /** Milliseconds from the end of the faults to the settled state; undefined if it never settled. */
  settledAfterMs: number | undefined;
  summary: string;
  trace: Trace;
  /** Where the whole trace was written, when the run failed. */
  tracePath?: string;
}

const RUNNER_PREFIX = "mayfly-";

export interface ScenarioOptions {
  /** Run the roles from the sources with tsx instead of the app bundle (slower to start). */
  tsx?: boolean;
}

export async function runScenario(
  seed: number,
  profile: ChaosProfile,
  options: ScenarioOptions = {},
): Promise<ScenarioResult> {
  const random = createRandom(seed);
  const workload = planWorkload(random.fork(), profile);
  const faults = planFaults(random.fork(), profile);
  const trace = new Trace();
  trace.add("runner", `seed ${seed}, profile ${profile.name}`);
  for (const job of workload) trace.add("plan", `at ${job.atMs}ms job ${JSON.stringify(job)}`);
  for (const fault of faults) trace.add("plan", `at ${fault.atMs}ms ${describeFault(fault)}`);

  const nodeArgs = options.tsx ? ["--import", "tsx", "src/main.ts"] : [await appBundle()];
  const interruptionRandom = random.fork();
  const sandbox = await startSandbox({
    bootDelayMs: 300,
    ...(profile.spot ? { ec2Events: true, ec2: { interruptionRandom: interruptionRandom.next } } : {}),
    ...(profile.pools === "warm" ? { poolsYaml: warmPoolsYaml() } : {}),
  });
  const watch = watchWorld(sandbox, trace, RUNNER_PREFIX);
  let cluster: AppCluster | undefined;
  try {
    cluster = await startCluster(sandbox, trace, { nodeArgs });
    const notes = {
      jobs: new Map<number, PlannedJob>(),
      queuedAtScalerKills: 0,
      webhooksKilledAt: [],
      ...(profile.pools === "warm" ? { warmTarget: WARM_TARGET } : {}),
    };
    trace.add("runner", "every role is up: workload and faults start");
    await runTimeline(sandbox, cluster, trace, profile, workload, faults, notes);
    trace.add("runner", "faults stopped; waiting for the system to settle");
    const settled = await settle(
      sandbox,
      cluster,
      watch,
      notes,
      trace,
      profile.settleTimeoutMs,
      RUNNER_PREFIX,
    );
    const state = observeState(sandbox, cluster, watch, notes, RUNNER_PREFIX);
    // After an early stop the liveness invariants were still being waited for: judge only the rest.
    const judged = settled.stoppedEarly
      ? ALL_INVARIANTS.filter((i) => !LIVENESS.includes(i))
      : ALL_INVARIANTS;
    const violations = check(state, judged);
    for (const v of violations) trace.add("check", `VIOLATION ${v.invariant}: ${v.detail}`);
    const result: ScenarioResult = {
      seed,
      profile: profile.name,
      violations,
      settledAfterMs: settled.afterMs,
      summary: summarise(state, faults, settled),
      trace,
    };
    if (violations.length > 0) result.tracePath = saveTrace(trace, `seed-${seed}-${profile.name}.log`);
    return result;
  } finally {
    await cluster?.stop();
    watch.stop();
    await sandbox.stop();
  }
}

function summarise(state: ObservedState, faults: readonly PlannedFault[], settled: Settled): string {
  const allowed = state.jobs.filter((j) => j.expect === "allow" && (j.attempt ?? 1) === 1).length;
  const planned = state.jobs.filter((j) => (j.attempt ?? 1) === 1).length;
  const kills = faults.flatMap((f) => (f.kind === "kill" ? [f.role] : []));
  const outcome = settled.stoppedEarly
    ? "stopped waiting after a permanent violation"
    : settled.afterMs === undefined
      ? "never settled"
      : `settled ${(settled.afterMs / 1000).toFixed(1)}s after the faults`;
  const lost = state.recordsLostInCrash.size;
  return (
    `${planned} jobs (${allowed} allowed), ${state.instances.length} instances launched, ` +
    `${faults.length - kills.length} faults, kills: ${kills.join(", ") || "none"}, ${outcome}` +
    (lost > 0 ? `, ${lost} denial log line(s) lost with a SIGKILLed process` : "") +
    spotSummary(state, allowed)
  );
}

/**
 * Spot runs: interruptions, re-runs, and extra instances per interruption = (launched − allowed first
 * attempts − warm target) ÷ interruptions. Every extra launch is counted, whatever caused it, so the
 * figure is an upper bound on the interruptions' own cost (issue 14's goal: about 1).
 */
function spotSummary(state: ObservedState, allowed: number): string {
  const interrupted = state.extraAllowance["spot interruption"] ?? 0;
  if (interrupted === 0) return "";
  const warm = state.extraAllowance["warm target"] ?? 0;
  const extra = state.instances.length - allowed - warm;
  const cut = state.jobs.filter((j) => j.interruption === "cut").length;
  const reruns = state.jobs.filter((j) => (j.attempt ?? 1) > 1).length;
  return (
    `; ${interrupted} spot interruption(s), ${cut} job(s) cut short, ${reruns} re-run(s), ` +
    `${extra} extra instance(s): ${(extra / interrupted).toFixed(2)} per interruption`
  );
}

function saveTrace(trace: Trace, name: string): string {
  const dir = join(tmpdir(), "mayfly-chaos");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  trace.writeTo(path);
  return path;
}
