import type { CapacityRule, Ec2Emulator } from "../../emulators/src/ec2/emulator.js";
import type { GitHubEmulator } from "../../emulators/src/github/emulator.js";
import type { ExpectedOutcome } from "./job-mix.js";
import { planTraffic, type TrafficAction, type TrafficPlanOptions } from "./plan-traffic.js";

/** What the generator drives: the sandbox fits, and so does anything with these calls. */
export interface TrafficTarget {
  github: Pick<GitHubEmulator, "enqueueJob" | "cancelJob">;
  /** `instances` and `interruptSpot` only for a plan with `spotInterruption`. */
  ec2: Pick<Ec2Emulator, "setCapacity"> & Partial<Pick<Ec2Emulator, "instances" | "interruptSpot">>;
}

export interface TrafficOptions extends TrafficPlanOptions {
  /** Stop after this many cycles; unbounded by default (until stop()). */
  cycles?: number;
  /** Called after each action, with the emulator's job id for enqueues or the error it raised. */
  onAction?: (action: TrafficAction, result: { jobId?: number; instanceId?: string; error?: Error }) => void;
  now?: () => number;
}

export interface TrafficStats {
  cycle: number;
  enqueued: Record<ExpectedOutcome, number>;
  cancelled: number;
  capacityChanges: number;
  interruptions: number;
  errors: number;
  lastError?: string;
}

export interface Traffic {
  stats(): TrafficStats;
  /** Stops sending and gives back any capacity an outage took. */
  stop(): void;
  /** Settles when the configured cycles have played out, or at stop(). */
  readonly done: Promise<void>;
}

/** Plays planTraffic's schedule against the target in real time, one cycle after another. */
export function startTraffic(target: TrafficTarget, options: TrafficOptions): Traffic {
  const now = options.now ?? Date.now;
  const cycleMs = options.cycleMs ?? 120_000;
  const maxCycles = options.cycles ?? Infinity;
  const startedAt = now();
  const queue: { due: number; action: TrafficAction }[] = [];
  const jobIds = new Map<string, number>();
  const cancelRefs = new Set<string>();
  const outages = new Map<string, CapacityRule>();
  const stats: TrafficStats = {
    cycle: 0,
    enqueued: { runs: 0, denied: 0, ignored: 0 },
    cancelled: 0,
    capacityChanges: 0,
    interruptions: 0,
    errors: 0,
  };
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });

  function run(action: TrafficAction): { jobId?: number; instanceId?: string } {
    if (action.kind === "enqueue") {
      const job = target.github.enqueueJob(action.job);
      stats.enqueued[action.expected]++;
      if (cancelRefs.has(action.ref)) jobIds.set(action.ref, job.id);
      return { jobId: job.id };
    }
    if (action.kind === "cancel") {
      const jobId = jobIds.get(action.ref);
      cancelRefs.delete(action.ref);
      jobIds.delete(action.ref);
      if (jobId === undefined) return {};
      target.github.cancelJob(jobId);
      stats.cancelled++;
      return { jobId };
    }
    if (action.kind === "interrupt") {
      const [oldest] = (target.ec2.instances?.() ?? [])
        .filter((i) => i.tags["mayfly:pool"] === action.pool && i.market === "spot" && i.state === "running")
        .sort((a, b) => a.launchTime - b.launchTime);
      if (!oldest || !target.ec2.interruptSpot) return {};
      target.ec2.interruptSpot(oldest.instanceId);
      stats.interruptions++;
      return { instanceId: oldest.instanceId };
    }
    for (const rule of action.rules) {
      target.ec2.setCapacity(rule);
      const key = `${rule.market}/${rule.instanceType}/${rule.availabilityZone}`;
      if (Number.isFinite(rule.limit)) outages.set(key, rule);
      else outages.delete(key);
    }
    stats.capacityChanges++;
    return {};
  }

  function tick(): void {
    timer = undefined;
    if (stopped) return;
    const at = now();
    while (stats.cycle < maxCycles && startedAt + stats.cycle * cycleMs <= at) {
      const cycleStart = startedAt + stats.cycle * cycleMs;
      for (const action of planTraffic(options, stats.cycle)) {
        if (action.kind === "cancel") cancelRefs.add(action.ref);
        queue.push({ due: cycleStart + action.atMs, action });
      }
      queue.sort((a, b) => a.due - b.due);
      stats.cycle++;
    }
    while (queue[0] && queue[0].due <= at) {
      const { action } = queue.shift()!;
      let result: { jobId?: number; instanceId?: string; error?: Error };
      try {
        result = run(action);
      } catch (error) {
        // The emulator refused (or is stopping): count it and keep the schedule going.
        stats.errors++;
        stats.lastError = (error as Error).message;
        result = { error: error as Error };
      }
      options.onAction?.(action, result);
    }
    const nextCycle = stats.cycle < maxCycles ? startedAt + stats.cycle * cycleMs : Infinity;
    const next = Math.min(queue[0]?.due ?? Infinity, nextCycle);
    if (next === Infinity) {
      finish();
      return;
    }
    timer = setTimeout(tick, Math.max(0, next - now()));
  }

  tick();
  return {
    stats: () => structuredClone(stats),
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const rule of outages.values()) target.ec2.setCapacity({ ...rule, limit: Infinity });
      outages.clear();
      finish();
    },
    done,
  };
}
