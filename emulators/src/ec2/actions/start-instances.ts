import { dryRun, insufficientCapacity } from "../api-error.js";
import type { ActionHandler } from "../context.js";
import { children } from "../xml.js";
import { incorrectState, namedInstances, stateChange } from "./named-instances.js";

/**
 * StartInstances: a stopped instance goes pending, then running after the start delay (apart from the
 * cold boot delay), with the same id, volumes and private address. Starting a pending or running one
 * answers its state again (the call is idempotent); stopping, shutting-down or terminated ones are
 * refused with IncorrectInstanceState, and so is the whole call. A start needs capacity as a launch does.
 * StartInstances has its own request (5, 2/s) and resource (1000, 2/s) buckets
 * (reference/limits-and-identity.md §3).
 */
export const startInstances: ActionHandler = (q, ctx) => {
  const records = namedInstances(q.strings("InstanceId"), ctx, "start");
  const wrong = records.find((r) => !["stopped", "pending", "running"].includes(r.state));
  if (wrong) throw incorrectState(wrong.instanceId, "is not in a state from which it can be started.");
  const toStart = records.filter((r) => r.state === "stopped");
  for (const r of toStart) {
    const pool = { instanceType: r.instanceType, availabilityZone: r.availabilityZone, market: r.market };
    const others = ctx.store.all().filter((i) => i !== r);
    const wanted = toStart.filter(
      (s) => s.instanceType === r.instanceType && s.availabilityZone === r.availabilityZone,
    ).length;
    if (ctx.capacity.available(pool, others) < wanted)
      throw insufficientCapacity(r.instanceType, r.availabilityZone, r.market);
  }
  if (q.bool("DryRun")) throw dryRun();
  ctx.throttler.resource("startInstancesResource", toStart.length);
  const changes = records.map((record) => {
    const previous = record.state;
    if (previous === "stopped") ctx.lifecycle.start(record);
    return stateChange(record, previous);
  });
  return children({ instancesSet: changes });
};
