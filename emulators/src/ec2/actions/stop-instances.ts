import { dryRun, Ec2ApiError } from "../api-error.js";
import type { ActionHandler } from "../context.js";
import { children } from "../xml.js";
import { incorrectState, namedInstances, stateChange } from "./named-instances.js";

/**
 * StopInstances: running → stopping → stopped. The instance keeps its id, its EBS volumes (still billed)
 * and its private address; its public address is released. Stopping a stopping or stopped instance
 * answers its state again; a pending, shutting-down or terminated one is refused (IncorrectInstanceState).
 * Spot instances are refused: the emulator models only one-time spot requests, which EC2 cannot stop
 * (reference/wave2-facts.md "EC2 stopped instances"). Hibernation is not modelled, and said so.
 * Resource bucket 1000, 20/s; the request bucket is not listed by AWS, so it is the mutating one.
 */
export const stopInstances: ActionHandler = (q, ctx) => {
  const records = namedInstances(q.strings("InstanceId"), ctx, "stop");
  if (q.bool("Hibernate")) {
    throw new Ec2ApiError(
      "UnsupportedHibernationConfiguration",
      "The EC2 emulator does not model hibernation.",
    );
  }
  const spot = records.find((r) => r.market === "spot");
  if (spot) {
    throw new Ec2ApiError(
      "UnsupportedOperation",
      `You can't stop the Spot Instance '${spot.instanceId}' because it is associated with a one-time Spot Instance request. You can only stop Spot Instances associated with persistent Spot Instance requests.`,
    );
  }
  const wrong = records.find((r) => !["running", "stopping", "stopped"].includes(r.state));
  if (wrong) throw incorrectState(wrong.instanceId, "is not in a state from which it can be stopped.");
  if (q.bool("DryRun")) throw dryRun();
  const toStop = records.filter((r) => r.state === "running");
  ctx.throttler.resource("stopInstancesResource", toStop.length);
  const changes = records.map((record) => {
    const previous = record.state;
    if (previous === "running") ctx.lifecycle.stopByUser(record);
    return stateChange(record, previous);
  });
  return children({ instancesSet: changes });
};
