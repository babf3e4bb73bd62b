import { Ec2ApiError } from "./api-error.js";
import type { EmulatedVolume, InstanceRecord } from "./model.js";

/** The instances and volumes the emulator knows, in launch order, plus ClientToken idempotency records. */
export class InstanceStore {
  readonly #instances = new Map<string, InstanceRecord>();
  readonly #volumes = new Map<string, EmulatedVolume>();
  readonly #volumeOrder = new Map<string, number>();
  readonly #tokens = new Map<string, { fingerprint: string; result: unknown }>();
  #seq = 0;

  nextSeq(): number {
    this.#seq += 1;
    return this.#seq;
  }

  add(record: InstanceRecord): void {
    this.#instances.set(record.instanceId, record);
    for (const volume of record.volumes) {
      this.#volumes.set(volume.volumeId, volume);
      this.#volumeOrder.set(volume.volumeId, this.nextSeq());
    }
  }

  get(instanceId: string): InstanceRecord | undefined {
    return this.#instances.get(instanceId);
  }

  all(): InstanceRecord[] {
    return [...this.#instances.values()];
  }

  /** Forgets a terminated instance (its retention ended). */
  remove(instanceId: string): void {
    this.#instances.delete(instanceId);
  }

  volume(volumeId: string): EmulatedVolume | undefined {
    return this.#volumes.get(volumeId);
  }

  volumes(): EmulatedVolume[] {
    return [...this.#volumes.values()];
  }

  /** Creation order of a volume, for stable pagination. */
  volumeOrder(volumeId: string): number {
    return this.#volumeOrder.get(volumeId) ?? 0;
  }

  deleteVolume(volumeId: string): void {
    this.#volumes.delete(volumeId);
    this.#volumeOrder.delete(volumeId);
  }

  /**
   * ClientToken idempotency (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html):
   * the earlier result for the same token and parameters, IdempotentParameterMismatch for the same token
   * with other parameters, undefined for a new token. Records outlive the instances, as EC2 keeps tokens
   * for at least 24 h after termination.
   */
  idempotent<T>(key: string, fingerprint: string): T | undefined {
    const entry = this.#tokens.get(key);
    if (!entry) return undefined;
    if (entry.fingerprint !== fingerprint) {
      throw new Ec2ApiError(
        "IdempotentParameterMismatch",
        "The client token you have provided is associated with a resource that is already deleted or with a request whose parameters differ. Please use a different client token.",
      );
    }
    return entry.result as T;
  }

  remember(key: string, fingerprint: string, result: unknown): void {
    this.#tokens.set(key, { fingerprint, result });
  }
}
