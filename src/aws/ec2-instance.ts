import type { Instance } from "@aws-sdk/client-ec2";
import { INSTANCE_STATES, type InstanceState } from "../domain/instance-state.js";
import type { LaunchedInstance, ManagedInstance, Market } from "./fleet.js";

/** Maps the SDK's `Instance` to the Fleet interface's shapes. */

export function marketOf(instance: Instance): Market {
  return instance.InstanceLifecycle === "spot" ? "spot" : "on-demand";
}

export function toLaunchedInstance(instance: Instance, fallbackSubnet: string): LaunchedInstance {
  return {
    instanceId: instance.InstanceId ?? "",
    instanceType: instance.InstanceType ?? "",
    subnetId: instance.SubnetId ?? fallbackSubnet,
    ...(instance.Placement?.AvailabilityZone
      ? { availabilityZone: instance.Placement.AvailabilityZone }
      : {}),
    market: marketOf(instance),
  };
}

export function toManagedInstance(instance: Instance): ManagedInstance {
  const state = instance.State?.Name as InstanceState | undefined;
  return {
    instanceId: instance.InstanceId ?? "",
    state: state && INSTANCE_STATES.includes(state) ? state : "pending",
    launchedAt: instance.LaunchTime?.getTime() ?? 0,
    instanceType: instance.InstanceType ?? "",
    ...(instance.Placement?.AvailabilityZone
      ? { availabilityZone: instance.Placement.AvailabilityZone }
      : {}),
    ...(instance.SubnetId ? { subnetId: instance.SubnetId } : {}),
    market: marketOf(instance),
    tags: Object.fromEntries((instance.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
  };
}
