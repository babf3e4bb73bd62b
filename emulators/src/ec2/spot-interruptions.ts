import {
  EC2_DETAIL_TYPE,
  type EventBridgeEvent,
  type EventOrigin,
  ec2Event,
  isoSeconds,
} from "./ec2-events.js";
import type { InstanceStore } from "./instance-store.js";
import type { Lifecycle } from "./lifecycle.js";
import { type InstanceRecord, isLive } from "./model.js";

/** EC2 gives two minutes' notice, best effort (spot-instance-termination-notices.html). */
export const SPOT_NOTICE_MS = 120_000;

/** Random interruptions: each live spot instance matching the rule is interrupted at this rate. */
export interface InterruptionRate {
  /** Expected interruptions per instance-hour (emulator clock); 0 turns the rule off. */
  perInstanceHour: number;
  instanceType?: string;
  availabilityZone?: string;
  /** Chance that a rebalance recommendation comes first (EC2 sends one sometimes, never guaranteed). */
  rebalanceFirst?: number;
  /**
   * Notice before termination, on the emulator clock (default two minutes). A harness whose app runs in
   * real time scales EC2's two minutes down to the length of its jobs (test/chaos/profiles.ts).
   */
  noticeMs?: number;
}

export interface InterruptOptions {
  /** Notice before the instance is terminated, on the emulator clock (default two minutes). */
  noticeMs?: number;
}

type Listener = (event: EventBridgeEvent) => void;

/**
 * Spot interruptions as EC2 does them: the warning (event and IMDS `spot/instance-action`), then, after
 * the notice on the emulator's clock, the instance shuts down with `Server.SpotInstanceTermination`.
 * Deadlines are checked at least every `tickMs` of real time, so a sandbox clock that jumps ahead
 * brings the termination forward. Also emits rebalance recommendations and every state change.
 */
export class SpotInterruptions {
  readonly #store: InstanceStore;
  readonly #lifecycle: Lifecycle;
  readonly #origin: EventOrigin;
  readonly #listeners = new Set<Listener>();
  readonly #deadlines = new Map<string, number>();
  readonly #random: () => number;
  readonly #tickMs: number;
  #rates: InterruptionRate[] = [];
  #lastTick: number;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(deps: {
    store: InstanceStore;
    lifecycle: Lifecycle;
    origin: EventOrigin;
    random?: () => number;
    tickMs?: number;
  }) {
    this.#store = deps.store;
    this.#lifecycle = deps.lifecycle;
    this.#origin = deps.origin;
    this.#random = deps.random ?? Math.random;
    this.#tickMs = deps.tickMs ?? 250;
    this.#lastTick = deps.origin.now();
    deps.lifecycle.onStateChange((instance) =>
      this.#emit(
        ec2Event(this.#origin, EC2_DETAIL_TYPE.stateChange, instance.instanceId, { state: instance.state }),
      ),
    );
  }

  onEvent(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The interruption warning; false when the instance is not a live spot instance or was warned already. */
  interrupt(record: InstanceRecord, options: InterruptOptions = {}): boolean {
    if (record.market !== "spot" || !isLive(record) || record.spotInstanceAction) return false;
    const deadline = this.#origin.now() + (options.noticeMs ?? SPOT_NOTICE_MS);
    record.spotInstanceAction = { action: "terminate", time: isoSeconds(deadline) };
    this.#deadlines.set(record.instanceId, deadline);
    this.#emit(
      ec2Event(this.#origin, EC2_DETAIL_TYPE.spotWarning, record.instanceId, {
        "instance-action": "terminate",
      }),
    );
    this.#schedule();
    return true;
  }

  rebalance(record: InstanceRecord): boolean {
    if (record.market !== "spot" || !isLive(record) || record.rebalanceNoticeTime) return false;
    record.rebalanceNoticeTime = isoSeconds(this.#origin.now());
    this.#emit(ec2Event(this.#origin, EC2_DETAIL_TYPE.rebalance, record.instanceId, {}));
    return true;
  }

  /** Adds a rate rule, replacing one for the same type and zone. */
  setRate(rate: InterruptionRate): void {
    this.#rates = this.#rates.filter(
      (r) => r.instanceType !== rate.instanceType || r.availabilityZone !== rate.availabilityZone,
    );
    if (rate.perInstanceHour > 0) this.#rates.push({ ...rate });
    this.#lastTick = this.#origin.now();
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#listeners.clear();
  }

  #schedule(): void {
    if (this.#stopped || this.#timer) return;
    if (this.#deadlines.size === 0 && this.#rates.length === 0) return;
    const next = Math.min(...this.#deadlines.values()) - this.#origin.now();
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, Math.min(this.#tickMs, next)));
    this.#timer.unref();
  }

  #tick(): void {
    this.#timer = undefined;
    const now = this.#origin.now();
    for (const [id, deadline] of this.#deadlines) {
      if (deadline > now) continue;
      this.#deadlines.delete(id);
      const record = this.#store.get(id);
      if (record) this.#lifecycle.interruptSpot(record);
    }
    this.#roll(now - this.#lastTick);
    this.#lastTick = now;
    this.#schedule();
  }

  /** One Poisson step per live spot instance: P(interrupted in dt) = 1 - e^(-rate·dt). */
  #roll(elapsedMs: number): void {
    if (elapsedMs <= 0 || this.#rates.length === 0) return;
    for (const record of this.#store.all()) {
      if (record.market !== "spot" || record.state !== "running" || record.spotInstanceAction) continue;
      const rate = this.#rates.find(
        (r) =>
          (r.instanceType === undefined || r.instanceType === record.instanceType) &&
          (r.availabilityZone === undefined || r.availabilityZone === record.availabilityZone),
      );
      if (!rate) continue;
      if (this.#random() >= 1 - Math.exp(-rate.perInstanceHour * (elapsedMs / 3_600_000))) continue;
      if (this.#random() < (rate.rebalanceFirst ?? 0)) this.rebalance(record);
      this.interrupt(record, rate.noticeMs === undefined ? {} : { noticeMs: rate.noticeMs });
    }
  }

  #emit(event: EventBridgeEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        process.emitWarning(`EC2 emulator event listener failed: ${String(error)}`);
      }
    }
  }
}
