import { TAG } from "../domain/tags.js";
import { warmRoleOf } from "../domain/warm-role.js";
import type { Observation } from "../reaper/observe.js";
import type { CostedInstance } from "./estimate-costs.js";

/**
 * What the cost estimate needs to remember: EC2 forgets terminated instances within the hour and the
 * observation shows only live ones, so each sample records the instances it saw, and job starts record
 * which repository each instance worked for. In memory, per replica, bounded by age and count.
 */
export class InstanceLedger {
  readonly #instances = new Map<string, CostedInstance>();
  readonly #repos = new Map<string, string>();
  readonly #retentionMs: number;
  readonly #capacity: number;

  constructor(options: { retentionMs?: number; capacity?: number } = {}) {
    this.#retentionMs = options.retentionMs ?? 24 * 3_600_000;
    this.#capacity = options.capacity ?? 20_000;
  }

  observe(observation: Observation): void {
    const at = observation.at;
    for (const instance of observation.instances) {
      if (instance.state === "terminated") continue;
      const known = this.#instances.get(instance.instanceId);
      const stopped = instance.state === "stopped";
      const entry: CostedInstance = known ?? {
        instanceId: instance.instanceId,
        pool: instance.tags[TAG.pool] ?? "unknown",
        org: instance.tags[TAG.org],
        instanceType: instance.instanceType,
        market: instance.market,
        launchedAt: instance.launchedAt,
        // First seen stopped: it ran at most until now; its warm-up boot is not seen, so not counted.
        endedAt: stopped ? instance.launchedAt : at,
        ...warmRoleOf(instance.tags),
      };
      if (stopped) {
        // A stopped instance bills its EBS volumes only (https://aws.amazon.com/ec2/pricing/on-demand/).
        entry.stopped = { from: entry.stopped?.from ?? at, to: at };
      } else if (instance.launchedAt > entry.launchedAt) {
        // Started again (EC2's LaunchTime moves to the latest start): the earlier run is kept apart.
        entry.priorRuns = [...(entry.priorRuns ?? []), { from: entry.launchedAt, to: entry.endedAt }];
        entry.launchedAt = instance.launchedAt;
        entry.endedAt = at;
      } else entry.endedAt = Math.max(entry.endedAt, at);
      if (!known) this.#instances.set(instance.instanceId, entry);
    }
    this.#prune(observation.at);
  }

  /** Records the repository whose job an instance's runner started. */
  noteJob(instanceId: string, repo: string, at?: number): void {
    this.#repos.delete(instanceId);
    this.#repos.set(instanceId, repo);
    const entry = this.#instances.get(instanceId);
    if (entry && at !== undefined) entry.jobAt ??= at;
    if (this.#repos.size > this.#capacity) this.#deleteOldest(this.#repos);
  }

  entries(): CostedInstance[] {
    return [...this.#instances.values()].map((i) => ({ ...i, repo: this.#repos.get(i.instanceId) }));
  }

  #prune(now: number): void {
    for (const [id, entry] of this.#instances) {
      if (now - Math.max(entry.endedAt, entry.stopped?.to ?? 0) > this.#retentionMs) {
        this.#instances.delete(id);
        this.#repos.delete(id);
      }
    }
    while (this.#instances.size > this.#capacity) this.#deleteOldest(this.#instances);
  }

  #deleteOldest(map: Map<string, unknown>): void {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}
