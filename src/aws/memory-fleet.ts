import type { InstanceState } from "../domain/instance-state.js";
import { TAG } from "../domain/tags.js";
import { CapacityError, LaunchConfigError, LaunchTokenReusedError } from "../errors.js";
import type { Fleet, LaunchedInstance, LaunchSpec, ManagedInstance, Market } from "./fleet.js";
import type { ShutdownBehaviour, WarmFleet } from "./warm-fleet.js";

export type FleetOperation = "launch" | "list" | "describe" | "terminate" | "start" | "stop" | "modify";

export interface MemoryCapacityRule {
  instanceType?: string;
  subnetId?: string;
  market?: Market;
  /** Most live (pending/running) instances of the pool; `Infinity` removes the rule. */
  limit: number;
}

/** An in-memory Fleet for unit tests of other roles, behaving as the EC2 adapter does. */
export interface MemoryFleet extends Fleet, WarmFleet {
  readonly deploymentId: string;
  /** Every launch request received (failed ones included), in order. */
  readonly launches: readonly LaunchSpec[];
  /** Every terminate call's ids, in order. */
  readonly terminations: readonly (readonly string[])[];
  /** All instances in the shared cloud, any deployment's. */
  instances(): ManagedInstance[];
  /** The next `times` calls of `operation` throw `error` (e.g. a ThrottledError or CapacityError). */
  failNext(operation: FleetOperation, error: Error, times?: number): void;
  setCapacity(rule: MemoryCapacityRule): void;
  setState(instanceId: string, state: InstanceState): void;
  /** The guest powers itself off: stopped or terminated, as its shutdown behaviour says. */
  powerOff(instanceId: string): void;
  userDataOf(instanceId: string): string | undefined;
  shutdownBehaviourOf(instanceId: string): ShutdownBehaviour | undefined;
  /** Adds or replaces tags on an instance (what CreateTags does), e.g. bootstrap's `mayfly:enrolled`. */
  setTags(instanceId: string, tags: Record<string, string>): void;
  /** Another deployment's fleet over the same in-memory cloud. */
  forDeployment(deploymentId: string): MemoryFleet;
}

interface Cloud {
  instances: Map<string, ManagedInstance>;
  attributes: Map<string, { userData: string; shutdown: ShutdownBehaviour }>;
  tokens: Map<string, { fingerprint: string; launched: LaunchedInstance[] }>;
  capacity: MemoryCapacityRule[];
  failures: { operation: FleetOperation; error: Error; times: number }[];
  launches: LaunchSpec[];
  terminations: string[][];
  nextId: number;
  now: () => number;
}

export function createMemoryFleet(options: { now?: () => number; deploymentId?: string } = {}): MemoryFleet {
  const cloud: Cloud = {
    instances: new Map(),
    attributes: new Map(),
    tokens: new Map(),
    capacity: [],
    failures: [],
    launches: [],
    terminations: [],
    nextId: 1,
    now: options.now ?? Date.now,
  };
  return fleetOver(cloud, options.deploymentId ?? "mayfly");
}

function fleetOver(cloud: Cloud, deploymentId: string): MemoryFleet {
  const fail = (operation: FleetOperation) => {
    const failure = cloud.failures.find((f) => f.operation === operation);
    if (!failure) return;
    failure.times -= 1;
    if (failure.times <= 0) cloud.failures.splice(cloud.failures.indexOf(failure), 1);
    throw failure.error;
  };
  const isOurs = (i: ManagedInstance) => i.tags[TAG.managedBy] === deploymentId;

  return {
    deploymentId,
    launches: cloud.launches,
    terminations: cloud.terminations,
    async launch(spec) {
      cloud.launches.push(spec);
      fail("launch");
      return launch(cloud, spec, deploymentId);
    },
    async list(listOptions = {}) {
      fail("list");
      const states = listOptions.states ?? ["pending", "running", "shutting-down", "stopping", "stopped"];
      const tagged = (i: ManagedInstance) => listOptions.tagKey === undefined || listOptions.tagKey in i.tags;
      return [...cloud.instances.values()]
        .filter((i) => isOurs(i) && states.includes(i.state) && tagged(i))
        .map(copy);
    },
    async describe(ids) {
      fail("describe");
      return [...new Set(ids)]
        .map((id) => cloud.instances.get(id))
        .filter((i): i is ManagedInstance => i !== undefined && isOurs(i))
        .map(copy);
    },
    async terminate(ids) {
      cloud.terminations.push([...ids]);
      fail("terminate");
      // EC2 passes through shutting-down; the fake goes straight to the end state.
      for (const id of ids) {
        const instance = cloud.instances.get(id);
        if (instance) instance.state = "terminated";
      }
    },
    ...warmOver(cloud, fail),
    instances: () => [...cloud.instances.values()].map(copy),
    failNext: (operation, error, times = 1) => {
      cloud.failures.push({ operation, error, times });
    },
    setCapacity: (rule) => {
      cloud.capacity = cloud.capacity.filter(
        (r) =>
          r.instanceType !== rule.instanceType || r.subnetId !== rule.subnetId || r.market !== rule.market,
      );
      if (Number.isFinite(rule.limit)) cloud.capacity.push({ ...rule });
    },
    setState: (instanceId, state) => {
      known(cloud, instanceId).state = state;
    },
    powerOff: (instanceId) => {
      const instance = known(cloud, instanceId);
      if (instance.state !== "running") return;
      instance.state = cloud.attributes.get(instanceId)?.shutdown === "stop" ? "stopped" : "terminated";
    },
    userDataOf: (instanceId) => cloud.attributes.get(instanceId)?.userData,
    shutdownBehaviourOf: (instanceId) => cloud.attributes.get(instanceId)?.shutdown,
    setTags: (instanceId, tags) => {
      const instance = cloud.instances.get(instanceId);
      if (!instance) throw new Error(`memory fleet: unknown instance ${instanceId}`);
      instance.tags = { ...instance.tags, ...tags };
    },
    forDeployment: (other) => fleetOver(cloud, other),
  };
}

function launch(cloud: Cloud, spec: LaunchSpec, deploymentId: string): LaunchedInstance[] {
  const given = spec.tags[TAG.managedBy];
  if (given !== undefined && given !== deploymentId) {
    throw new LaunchConfigError(`Launch tags name deployment "${given}"`, "MayflyDeploymentTagMismatch");
  }
  // ClientToken idempotency is zonal when a subnet is named, as on EC2.
  const key = `${spec.clientToken}:${spec.subnetId}`;
  const { clientToken: _token, ...rest } = spec;
  const fingerprint = JSON.stringify(rest);
  const earlier = cloud.tokens.get(key);
  if (earlier) {
    if (earlier.fingerprint !== fingerprint) {
      throw new LaunchTokenReusedError("EC2 IdempotentParameterMismatch (memory fleet)");
    }
    return earlier.launched.map((l) => ({ ...l }));
  }
  const count = Math.min(spec.count, available(cloud, spec));
  if (count < 1) {
    throw new CapacityError(
      `EC2 InsufficientInstanceCapacity (memory fleet): no ${spec.market} ${spec.instanceType} in ${spec.subnetId}`,
      "InsufficientInstanceCapacity",
    );
  }
  const availabilityZone = `us-east-1${"abc"[parseInt(spec.subnetId.slice(-1), 16) % 3]}`;
  const launched = Array.from({ length: count }, () => {
    const instanceId = `i-${(cloud.nextId++).toString(16).padStart(17, "0")}`;
    cloud.instances.set(instanceId, {
      instanceId,
      state: "pending",
      launchedAt: cloud.now(),
      instanceType: spec.instanceType,
      availabilityZone,
      subnetId: spec.subnetId,
      market: spec.market,
      tags: { ...spec.tags, [TAG.managedBy]: deploymentId },
    });
    cloud.attributes.set(instanceId, {
      userData: spec.userData,
      shutdown: spec.shutdownBehaviour ?? "terminate",
    });
    return {
      instanceId,
      instanceType: spec.instanceType,
      subnetId: spec.subnetId,
      availabilityZone,
      market: spec.market,
    };
  });
  cloud.tokens.set(key, { fingerprint, launched });
  return launched.map((l) => ({ ...l }));
}

function available(cloud: Cloud, spec: LaunchSpec): number {
  const live = [...cloud.instances.values()].filter((i) => i.state === "pending" || i.state === "running");
  const matches = (
    rule: MemoryCapacityRule,
    i: { instanceType: string; subnetId?: string; market: Market },
  ) =>
    (rule.instanceType === undefined || rule.instanceType === i.instanceType) &&
    (rule.subnetId === undefined || rule.subnetId === i.subnetId) &&
    (rule.market === undefined || rule.market === i.market);
  const rules = cloud.capacity.filter((r) => matches(r, spec));
  return Math.min(
    Number.POSITIVE_INFINITY,
    ...rules.map((r) => r.limit - live.filter((i) => matches(r, i)).length),
  );
}

function copy(instance: ManagedInstance): ManagedInstance {
  return { ...instance, tags: { ...instance.tags } };
}

function known(cloud: Cloud, instanceId: string): ManagedInstance {
  const instance = cloud.instances.get(instanceId);
  if (!instance) throw new Error(`memory fleet: unknown instance ${instanceId}`);
  return instance;
}

/** EC2's refusal for the wrong state, as the adapter translates it. */
function incorrectState(instanceId: string, what: string): LaunchConfigError {
  return new LaunchConfigError(
    `EC2 IncorrectInstanceState (memory fleet): ${instanceId} ${what}`,
    "IncorrectInstanceState",
  );
}

/** WarmFleet in memory: the states EC2 allows each call in, and the fake's straight-to-the-end transitions. */
function warmOver(cloud: Cloud, fail: (operation: FleetOperation) => void): WarmFleet {
  const attributes = (id: string) => {
    known(cloud, id);
    const found = cloud.attributes.get(id) ?? { userData: "", shutdown: "terminate" as const };
    cloud.attributes.set(id, found);
    return found;
  };
  return {
    async setUserData(id, userData) {
      fail("modify");
      const instance = cloud.instances.get(id);
      if (instance?.state !== "stopped") return "not-stopped";
      attributes(id).userData = userData;
      return "set";
    },
    async setShutdownBehaviour(id, behaviour) {
      fail("modify");
      const instance = known(cloud, id);
      if (instance.state === "terminated" || instance.state === "shutting-down")
        throw incorrectState(id, `is ${instance.state}`);
      attributes(id).shutdown = behaviour;
    },
    async start(ids) {
      fail("start");
      const instances = ids.map((id) => known(cloud, id));
      const wrong = instances.find((i) => !["stopped", "pending", "running"].includes(i.state));
      if (wrong) throw incorrectState(wrong.instanceId, "is not in a state from which it can be started");
      const started: string[] = [];
      for (const instance of instances) {
        if (instance.state !== "stopped") continue;
        instance.state = "pending";
        // EC2's LaunchTime is the latest start (API reference, Instance.LaunchTime).
        instance.launchedAt = cloud.now();
        started.push(instance.instanceId);
      }
      return started;
    },
    async stop(ids) {
      fail("stop");
      const instances = ids.map((id) => known(cloud, id));
      const wrong = instances.find((i) => !["running", "stopping", "stopped"].includes(i.state));
      if (wrong) throw incorrectState(wrong.instanceId, "is not in a state from which it can be stopped");
      for (const instance of instances) if (instance.state === "running") instance.state = "stopped";
    },
    async untag(id, key) {
      fail("modify");
      delete known(cloud, id).tags[key];
    },
    async tag(id, tags) {
      fail("modify");
      Object.assign(known(cloud, id).tags, tags);
    },
  };
}
