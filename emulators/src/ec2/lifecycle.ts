import { identityDocument } from "./identity.js";
import type { InstanceStore } from "./instance-store.js";
import {
  type EmulatedInstance,
  type InstanceRecord,
  type InstanceStateName,
  type StateReason,
  snapshotInstance,
} from "./model.js";
import type { ResolvedOptions } from "./options.js";

type StateListener = (instance: EmulatedInstance, previous: InstanceStateName) => void;

const REASON = {
  userTerminate: {
    code: "Client.UserInitiatedShutdown",
    message: "Client.UserInitiatedShutdown: User initiated shutdown",
  },
  guestShutdown: {
    code: "Client.InstanceInitiatedShutdown",
    message: "Client.InstanceInitiatedShutdown: Instance initiated shutdown",
  },
  userStop: {
    code: "Client.UserInitiatedShutdown",
    message: "Client.UserInitiatedShutdown: User initiated shutdown",
  },
  spot: {
    code: "Server.SpotInstanceTermination",
    message: "Server.SpotInstanceTermination: Spot instance termination",
  },
} as const satisfies Record<string, StateReason>;

/**
 * Instance state machine with timers: pending → running after the boot delay (or the start delay); guest power-off →
 * shutting-down → terminated (or stopping → stopped); terminated instances vanish after the retention.
 * Timers are unref'd so they never keep the process alive.
 */
export class Lifecycle {
  readonly #store: InstanceStore;
  readonly #options: ResolvedOptions;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #listeners = new Set<StateListener>();
  #stopped = false;

  constructor(store: InstanceStore, options: ResolvedOptions) {
    this.#store = store;
    this.#options = options;
  }

  onStateChange(listener: StateListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  launched(record: InstanceRecord): void {
    this.#after(this.#options.bootDelayMs, () => {
      if (record.state === "pending") this.#set(record, "running");
    });
  }

  /**
   * StartInstances on a stopped instance: pending, then running after the start delay. EC2 generates a
   * new identity document on every start ("generated when the instance is stopped and started",
   * instance-identity-documents docs), so its pendingTime is this start; LaunchTime is "the time that the
   * instance was last launched" (API reference, Instance), so it moves too. Id, volumes and private
   * address are kept.
   */
  start(record: InstanceRecord): void {
    if (record.state !== "stopped") return;
    record.launchTime = this.#options.now();
    record.identityDocument = identityDocument(record, this.#options.region, this.#options.accountId);
    this.#set(record, "pending");
    this.#after(this.#options.startDelayMs, () => {
      if (record.state === "pending") this.#set(record, "running");
    });
  }

  /** StopInstances on a running instance: stopping, then stopped after the shutdown delay. */
  stopByUser(record: InstanceRecord): void {
    if (record.state !== "running") return;
    this.#set(record, "stopping", REASON.userStop, true);
    this.#after(this.#options.shutdownDelayMs, () => {
      if (record.state === "stopping") this.#set(record, "stopped", REASON.userStop, true);
    });
  }

  /** TerminateInstances; returns the state before the call. */
  terminate(record: InstanceRecord): InstanceStateName {
    const previous = record.state;
    if (previous !== "shutting-down" && previous !== "terminated") {
      this.#shutDown(record, REASON.userTerminate, true);
    }
    return previous;
  }

  /** The guest powered itself off: what happens depends on InstanceInitiatedShutdownBehavior. */
  powerOff(record: InstanceRecord): void {
    if (record.state !== "running" && record.state !== "pending") return;
    if (record.shutdownBehavior === "terminate") {
      this.#shutDown(record, REASON.guestShutdown, false);
      return;
    }
    this.#set(record, "stopping", REASON.guestShutdown);
    this.#after(this.#options.shutdownDelayMs, () => {
      if (record.state === "stopping") this.#set(record, "stopped", REASON.guestShutdown);
    });
  }

  interruptSpot(record: InstanceRecord): void {
    if (record.market !== "spot" || record.state === "shutting-down" || record.state === "terminated") return;
    this.#shutDown(record, REASON.spot, false);
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#listeners.clear();
  }

  #shutDown(record: InstanceRecord, reason: StateReason, userInitiated: boolean): void {
    this.#set(record, "shutting-down", reason, userInitiated);
    this.#after(this.#options.shutdownDelayMs, () => {
      if (record.state !== "shutting-down") return;
      this.#set(record, "terminated", reason, userInitiated);
      this.#releaseVolumes(record);
      record.terminatedAt = this.#options.now();
      this.#after(this.#options.terminatedRetentionMs, () => this.#store.remove(record.instanceId));
    });
  }

  #releaseVolumes(record: InstanceRecord): void {
    for (const volume of record.volumes) {
      if (volume.deleteOnTermination) {
        this.#store.deleteVolume(volume.volumeId);
      } else {
        volume.state = "available";
        delete volume.instanceId;
      }
    }
  }

  #set(record: InstanceRecord, state: InstanceStateName, reason?: StateReason, userInitiated = false): void {
    const previous = record.state;
    record.state = state;
    if (reason) record.stateReason = { ...reason };
    else delete record.stateReason;
    record.stateTransitionReason = userInitiated ? `User initiated (${gmt(this.#options.now())})` : "";
    const snapshot = snapshotInstance(record);
    for (const listener of this.#listeners) {
      try {
        listener(snapshot, previous);
      } catch (error) {
        process.emitWarning(`EC2 emulator state listener failed: ${String(error)}`);
      }
    }
  }

  #after(ms: number, fn: () => void): void {
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.#timers.add(timer);
  }
}

/** EC2's StateTransitionReason time format, e.g. "2026-11-25 18:10:48 GMT". */
function gmt(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} GMT`;
}
