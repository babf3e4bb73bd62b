import { TAG } from "../domain/tags.js";
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
    for (const instance of observation.instances) {
      if (instance.state === "terminated") continue;
      const known = this.#instances.get(instance.instanceId);
      const entry: CostedInstance = known ?? {
        instanceId: instance.instanceId,
        pool: instance.tags[TAG.pool] ?? "unknown",
        org: instance.tags[TAG.org],
        instanceType: instance.instanceType,
        market: instance.market,
        launchedAt: instance.launchedAt,
        endedAt: observation.at,
      };
      entry.endedAt = Math.max(entry.endedAt, observation.at);
      if (!known) this.#instances.set(instance.instanceId, entry);
    }
    this.#prune(observation.at);
  }

  /** Records the repository whose job an instance's runner started. */
  noteJob(instanceId: string, repo: string): void {
    this.#repos.delete(instanceId);
    this.#repos.set(instanceId, repo);
    if (this.#repos.size > this.#capacity) this.#deleteOldest(this.#repos);
  }

  entries(): CostedInstance[] {
    return [...this.#instances.values()].map((i) => ({ ...i, repo: this.#repos.get(i.instanceId) }));
  }

  #prune(now: number): void {
    for (const [id, entry] of this.#instances) {
      if (now - entry.endedAt > this.#retentionMs) {
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
