import { listen } from "../http.js";
import { createApiHandler } from "./api-handler.js";
import { Capacity } from "./capacity.js";
import type { Ec2Context } from "./context.js";
import type { EventBridgeEvent } from "./ec2-events.js";
import { Faults } from "./faults.js";
import { identityCertificatePem } from "./identity.js";
import { AddressPool } from "./ids.js";
import { createImageRegistry } from "./images.js";
import { Imds } from "./imds.js";
import { InstanceStore } from "./instance-store.js";
import { LaunchTemplates } from "./launch-templates.js";
import { Lifecycle } from "./lifecycle.js";
import {
  type EmulatedInstance,
  type InstanceRecord,
  type InstanceStateName,
  snapshotInstance,
} from "./model.js";
import {
  type CapacityRule,
  type Ec2EmulatorOptions,
  type Ec2Fault,
  resolveOptions,
  type ThrottlingConfig,
} from "./options.js";
import { createRouter } from "./router.js";
import { type InterruptionRate, type InterruptOptions, SpotInterruptions } from "./spot-interruptions.js";
import { type Ec2Stats, StatsCounter } from "./stats.js";
import { TagVisibility } from "./tag-visibility.js";
import { Throttler } from "./throttling.js";

export type { EventBridgeEvent } from "./ec2-events.js";
export { EC2_DETAIL_TYPE } from "./ec2-events.js";
export type { ImageInput } from "./images.js";
export type {
  EmulatedInstance,
  EmulatedVolume,
  InstanceStateName,
  Market,
  MetadataOptions,
} from "./model.js";
export type {
  BucketConfig,
  CapacityRule,
  Ec2EmulatorOptions,
  Ec2Fault,
  LaunchTemplateDataInput,
  LaunchTemplateInput,
  ThrottlingConfig,
} from "./options.js";
export type { InterruptionRate, InterruptOptions } from "./spot-interruptions.js";
export { SPOT_NOTICE_MS } from "./spot-interruptions.js";
export type { Ec2Stats } from "./stats.js";

export interface Ec2Emulator {
  url: string;
  region: string;
  accountId: string;
  /** PEM of the self-signed certificate whose key signs identity documents. */
  identityCertificatePem: string;
  /** `${url}/imds/${instanceId}`: the instance's IMDS base URL. */
  imdsUrl(instanceId: string): string;
  instances(): EmulatedInstance[];
  instance(id: string): EmulatedInstance | undefined;
  /** Guest-initiated shutdown (`poweroff` on the instance). */
  powerOff(instanceId: string): void;
  /**
   * The spot interruption warning (event, IMDS `spot/instance-action`); the instance terminates with
   * `Server.SpotInstanceTermination` after the notice (two minutes on the emulator clock by default).
   */
  interruptSpot(instanceId: string, options?: InterruptOptions): void;
  /** A rebalance recommendation for a spot instance (event and IMDS). */
  recommendRebalance(instanceId: string): void;
  /** Random interruptions at a rate per instance-hour, for all spot instances or one type and zone. */
  setInterruptionRate(rate: InterruptionRate): void;
  /** EC2's EventBridge events: interruption warnings, rebalance recommendations, state changes. */
  onEvent(listener: (event: EventBridgeEvent) => void): () => void;
  onInstanceRunning(listener: (instance: EmulatedInstance) => void): () => void;
  onInstanceStateChange(
    listener: (instance: EmulatedInstance, previous: InstanceStateName) => void,
  ): () => void;
  injectFault(fault: Ec2Fault): void;
  setLatency(action: string, ms: number): void;
  setCapacity(rule: CapacityRule): void;
  /** EC2's eventual consistency for tags: CreateTags writes show in reads `ms` later (0: at once). */
  setTagVisibilityDelay(ms: number): void;
  /** Replaces the throttling configuration with fresh, full buckets; `false` turns it off. */
  setThrottling(config: false | Partial<ThrottlingConfig>): void;
  stats(): Ec2Stats;
  /** Stops timers and the server. */
  stop(): Promise<void>;
}

/** Starts a wire-compatible EC2 endpoint (Query protocol) with per-instance IMDSv2 and control endpoints. */
export async function startEc2Emulator(options: Ec2EmulatorOptions = {}): Promise<Ec2Emulator> {
  const resolved = resolveOptions(options);
  const store = new InstanceStore();
  const lifecycle = new Lifecycle(store, resolved);
  const ctx: Ec2Context = {
    options: resolved,
    store,
    lifecycle,
    capacity: new Capacity(options.capacity),
    throttler: new Throttler(options.throttling, resolved.now),
    templates: new LaunchTemplates(options.launchTemplates ?? [], resolved.now),
    addresses: new AddressPool(),
    tagVisibility: new TagVisibility(resolved.tagVisibilityDelayMs, resolved.now),
    images: createImageRegistry(options, resolved.accountId),
  };
  const faults = new Faults(options.latencyMs);
  const stats = new StatsCounter();
  const api = createApiHandler(ctx, faults, stats);
  const imds = new Imds(store, resolved.now, () => ctx.tagVisibility.settle());
  const spot = new SpotInterruptions({
    store,
    lifecycle,
    origin: { accountId: resolved.accountId, region: resolved.region, now: resolved.now },
    ...(options.interruptionRandom ? { random: options.interruptionRandom } : {}),
  });

  const record = (id: string): InstanceRecord | undefined => store.get(id);
  const emulator: Omit<Ec2Emulator, "url" | "stop"> = {
    region: resolved.region,
    accountId: resolved.accountId,
    identityCertificatePem,
    imdsUrl: (id) => `${server.url}/imds/${id}`,
    instances: () => {
      ctx.tagVisibility.settle();
      return store.all().map(snapshotInstance);
    },
    instance: (id) => {
      ctx.tagVisibility.settle();
      const found = record(id);
      return found ? snapshotInstance(found) : undefined;
    },
    powerOff: (id) => withRecord(record(id), id, (r) => lifecycle.powerOff(r)),
    interruptSpot: (id, interrupt) => withRecord(record(id), id, (r) => spot.interrupt(r, interrupt)),
    recommendRebalance: (id) => withRecord(record(id), id, (r) => spot.rebalance(r)),
    setInterruptionRate: (rate) => spot.setRate(rate),
    onEvent: (listener) => spot.onEvent(listener),
    onInstanceRunning: (listener) =>
      lifecycle.onStateChange((instance) => {
        if (instance.state === "running") listener(instance);
      }),
    onInstanceStateChange: (listener) => lifecycle.onStateChange(listener),
    injectFault: (fault) => faults.inject(fault),
    setLatency: (action, ms) => faults.setLatency(action, ms),
    setCapacity: (rule) => ctx.capacity.set(rule),
    setThrottling: (config) => ctx.throttler.configure(config),
    setTagVisibilityDelay: (ms) => ctx.tagVisibility.setDelay(ms),
    stats: () => stats.snapshot(),
  };

  const server = await listen(createRouter({ api, imds, control: emulator }), {
    host: options.host,
    port: options.port,
  });

  return {
    ...emulator,
    url: server.url,
    stop: async () => {
      spot.stop();
      lifecycle.stop();
      await server.close();
    },
  };
}

function withRecord(record: InstanceRecord | undefined, id: string, act: (r: InstanceRecord) => void): void {
  if (!record) throw new Error(`EC2 emulator: unknown instance ${id}`);
  act(record);
}
