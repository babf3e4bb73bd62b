import type { InstanceState } from "../domain/instance-state.js";
import type { Pool } from "../pool-file.js";
import type { ShutdownBehaviour } from "./warm-fleet.js";

/**
 * What the scaler, the bootstrap route and the reaper need from EC2 (STYLE.md principle 4).
 * `ec2-fleet.ts` implements it over the real SDK client; `memory-fleet.ts` in memory for unit tests.
 * Adapters throw only the named errors of `../errors.js`.
 */

export type Market = "spot" | "on-demand";

export interface LaunchSpec {
  pool: Pool;
  instanceType: string;
  subnetId: string;
  market: Market;
  /** MaxCount; MinCount is 1, so a partial launch returns fewer instances. */
  count: number;
  /** Idempotency token (≤ 64 ASCII chars): the same token and spec never launch twice. */
  clientToken: string;
  /** Plain text; the adapter base64-encodes it. Must hold no secret beyond the one-time bootstrap token. */
  userData: string;
  /** Tags for the instances and their volumes; must include TAG.managedBy. */
  tags: Record<string, string>;
  /** Launch template name, when the deployment provides one per pool. */
  launchTemplate?: string;
  /** Guest power-off: `terminate` (default, every job's instance) or `stop` (a stopped pool's warm-up). */
  shutdownBehaviour?: ShutdownBehaviour;
}

export interface LaunchedInstance {
  instanceId: string;
  instanceType: string;
  subnetId: string;
  availabilityZone?: string;
  market: Market;
}

export interface ManagedInstance {
  instanceId: string;
  state: InstanceState;
  /** Epoch ms. */
  launchedAt: number;
  instanceType: string;
  availabilityZone?: string;
  subnetId?: string;
  market: Market;
  tags: Record<string, string>;
}

export interface Fleet {
  /** One RunInstances call. Throws CapacityError, ThrottledError, QuotaError, LaunchConfigError or UnavailableError. */
  launch(spec: LaunchSpec): Promise<LaunchedInstance[]>;
  /**
   * Every instance tagged as this deployment's, in the given states (default: all but terminated); with
   * `tagKey`, only those that carry that tag (EC2's `tag-key` filter).
   */
  list(options?: { states?: readonly InstanceState[]; tagKey?: string }): Promise<ManagedInstance[]>;
  /** The named instances that exist and are this deployment's; others are left out, not errors. */
  describe(instanceIds: readonly string[]): Promise<ManagedInstance[]>;
  /** Terminates instances (≤ 1000 per call; the adapter splits larger lists). Unknown ids are ignored. */
  terminate(instanceIds: readonly string[]): Promise<void>;
}
