import { dryRun, Ec2ApiError, instancesNotFound, malformed, missing } from "../api-error.js";
import type { ActionHandler } from "../context.js";
import { INSTANCE_ID } from "../ids.js";
import { type InstanceRecord, STATE_CODE } from "../model.js";
import { children } from "../xml.js";

/**
 * TerminateInstances: up to 1000 ids; all-or-nothing when an id is unknown (InvalidInstanceID.NotFound
 * names every missing id); already terminated instances answer again, as EC2's call is idempotent.
 */
export const terminateInstances: ActionHandler = (q, ctx) => {
  const ids = [...new Set(q.strings("InstanceId"))];
  if (ids.length === 0) throw missing("InstanceId");
  if (ids.length > 1000) {
    throw new Ec2ApiError(
      "InvalidParameterValue",
      "You can terminate at most 1000 instances in one request.",
    );
  }
  for (const id of ids) if (!INSTANCE_ID.test(id)) throw malformed("InvalidInstanceID.Malformed", id, "i");
  const missingIds = ids.filter((id) => !ctx.store.get(id));
  if (missingIds.length > 0) throw instancesNotFound(missingIds);
  const records = ids.map((id) => ctx.store.get(id) as InstanceRecord);
  const protectedOne = records.find((r) => r.disableApiTermination);
  if (protectedOne) {
    throw new Ec2ApiError(
      "OperationNotPermitted",
      `The instance '${protectedOne.instanceId}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`,
    );
  }
  if (q.bool("DryRun")) throw dryRun();
  ctx.throttler.resource("terminateInstancesResource", records.length);
  const changes = records.map((record) => {
    const previous = ctx.lifecycle.terminate(record);
    return {
      instanceId: record.instanceId,
      currentState: { code: STATE_CODE[record.state], name: record.state },
      previousState: { code: STATE_CODE[previous], name: previous },
    };
  });
  return children({ instancesSet: changes });
};
