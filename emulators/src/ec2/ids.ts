import { createHash, randomBytes } from "node:crypto";

export const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
export const VOLUME_ID = /^vol-[0-9a-f]{8,17}$/;

/** Resource ids in EC2's long format: prefix + 17 lower-case hex digits. */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString("hex").slice(0, 17)}`;
}

export function hashOf(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Deterministic AZ for a subnet when the emulator was not told the subnet map: `${region}a`…`c`. */
export function defaultZoneOf(subnetId: string, region: string): string {
  const letter = "abc"[(hashOf(subnetId)[0] ?? 0) % 3];
  return `${region}${letter}`;
}

/** Deterministic AMI for an SSM parameter path when no parameters were configured. */
export function defaultAmiFor(path: string): string {
  return `ami-${hashOf(path).toString("hex").slice(0, 17)}`;
}

/** The default VPC's subnet in `${region}a`, used when a launch names no subnet. */
export function defaultSubnet(region: string): { subnetId: string; availabilityZone: string } {
  return {
    subnetId: `subnet-${hashOf(`default:${region}`).toString("hex").slice(0, 17)}`,
    availabilityZone: `${region}a`,
  };
}

/** The emulator models one VPC per Region; every subnet belongs to it. */
export function vpcOf(region: string): string {
  return `vpc-${hashOf(`vpc:${region}`).toString("hex").slice(0, 17)}`;
}

/** Hands out private addresses per subnet (10.x.y.z, one /16 per subnet) and public ones (54.x.y.z). */
export class AddressPool {
  readonly #next = new Map<string, number>();
  #public = 0;

  privateIp(subnetId: string): string {
    const n = (this.#next.get(subnetId) ?? 0) + 1;
    this.#next.set(subnetId, n);
    const second = (hashOf(subnetId)[1] ?? 0) % 256;
    return `10.${second}.${Math.floor(n / 250) % 256}.${(n % 250) + 4}`;
  }

  publicIp(): string {
    this.#public += 1;
    const n = this.#public;
    return `54.${160 + ((n >> 16) % 64)}.${(n >> 8) % 256}.${n % 256}`;
  }
}
