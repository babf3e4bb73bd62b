import type { InstanceState } from "./instance-state.js";
import { type WarmConfig, type WarmLevel, type WarmTarget, warmTarget } from "./warm-schedule.js";

/** Which warm role an instance was launched for (its `mayfly:warm` tag); a claimed one loses the tag. */
export type WarmRole = "hot" | "stopped";

export interface WarmInstance {
  instanceId: string;
  role: WarmRole;
  state: InstanceState;
  /** Epoch ms. */
  launchedAt: number;
  imageId?: string;
  /** Hot only: its runner as GitHub lists it; undefined while it has not registered. */
  runner?: "idle" | "busy";
}

export interface WarmInput {
  now: number;
  pool: {
    name: string;
    maxRunners: number;
    /** The pool's image as resolved now; a warm instance of another image is replaced. */
    imageId?: string;
    warm: WarmConfig;
  };
  /** The pool's instances that carry a warm role. */
  instances: readonly WarmInstance[];
  /** The pool's instances that count toward maxRunners: every live one except stopped ones. */
  occupied: number;
}

export type WarmAction =
  | { kind: "launch"; role: WarmRole; count: number; reason: string }
  | { kind: "terminate"; role: WarmRole; instanceId: string; reason: WarmRemoval; detail: string };

export const WARM_REMOVALS = ["warm-excess", "warm-max-age", "warm-image-changed"] as const;
export type WarmRemoval = (typeof WARM_REMOVALS)[number];

export interface WarmPlan {
  target: WarmTarget;
  /** Ready now: idle hot runners and stopped instances. */
  ready: WarmLevel;
  /** On the way: hot instances not yet registered, stopped ones still warming up. */
  coming: WarmLevel;
  actions: WarmAction[];
}

/**
 * The warm decision, level-triggered like planReap: from the target in force and what exists, which warm
 * instances to launch and which to remove, each with its reason. Busy runners are never touched (a hot
 * runner that took a job is an ordinary runner now). A stale instance (past the maximum age, or of an
 * image the pool no longer uses) keeps serving until a fresh one is ready to take its place, so a
 * replacement never leaves the pool colder than its target. Launches never exceed maxRunners.
 */
export function planWarm(input: WarmInput): WarmPlan {
  const target = warmTarget(input.now, input.pool.warm);
  let headroom = Math.max(0, input.pool.maxRunners - input.occupied);
  const actions: WarmAction[] = [];
  const ready = { hot: 0, stopped: 0 };
  const coming = { hot: 0, stopped: 0 };
  for (const role of ["hot", "stopped"] as const) {
    const mine = input.instances.filter((i) => i.role === role);
    const isReady = (i: WarmInstance) => (role === "hot" ? i.runner === "idle" : i.state === "stopped");
    const isComing = (i: WarmInstance) =>
      role === "hot"
        ? i.runner === undefined && (i.state === "pending" || i.state === "running")
        : i.state === "pending" || i.state === "running" || i.state === "stopping";
    const byAge = (a: WarmInstance, b: WarmInstance) =>
      a.launchedAt - b.launchedAt || cmp(a.instanceId, b.instanceId);
    const readyAll = mine.filter(isReady).sort(byAge);
    const stale = readyAll.filter((i) => staleness(input, i) !== undefined);
    const fresh = readyAll.filter((i) => staleness(input, i) === undefined);
    const onTheWay = mine.filter(isComing).length;
    const want = target[role];
    ready[role] = readyAll.length;
    coming[role] = onTheWay;

    const missing = Math.max(0, want - fresh.length - onTheWay);
    const launch = Math.min(missing, headroom);
    if (launch > 0) {
      headroom -= launch;
      actions.push({
        kind: "launch",
        role,
        count: launch,
        reason: `${role} ${fresh.length} ready + ${onTheWay} coming of ${want} (${target.reason})`,
      });
    }
    // Stale ones cover the part of the target fresh ones do not yet; the oldest go first.
    const staleNeeded = Math.max(0, want - fresh.length);
    for (const instance of stale.slice(0, Math.max(0, stale.length - staleNeeded))) {
      const why = staleness(input, instance) as { reason: WarmRemoval; detail: string };
      actions.push({ kind: "terminate", role, instanceId: instance.instanceId, ...why });
    }
    // Beyond the target (a schedule ended): the oldest fresh ones go; coming ones are left to arrive.
    const excess = fresh.length - want;
    for (const instance of fresh.slice(0, Math.max(0, excess))) {
      actions.push({
        kind: "terminate",
        role,
        instanceId: instance.instanceId,
        reason: "warm-excess",
        detail: `${role} ${fresh.length} ready, target ${want} (${target.reason})`,
      });
    }
  }
  return { target, ready, coming, actions };
}

function staleness(input: WarmInput, i: WarmInstance): { reason: WarmRemoval; detail: string } | undefined {
  const image = input.pool.imageId;
  if (image && i.imageId && i.imageId !== image)
    return { reason: "warm-image-changed", detail: `${i.imageId} is not the pool's image ${image}` };
  const ageSeconds = (input.now - i.launchedAt) / 1000;
  if (ageSeconds > input.pool.warm.maxAgeSeconds)
    return {
      reason: "warm-max-age",
      detail: `${Math.round(ageSeconds)}s old, maximum ${input.pool.warm.maxAgeSeconds}s`,
    };
  return undefined;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
