import { Ec2ApiError, instancesNotFound, malformed, missing } from "../api-error.js";
import type { Ec2Context } from "../context.js";
import { INSTANCE_ID } from "../ids.js";
import { type InstanceRecord, type InstanceStateName, STATE_CODE } from "../model.js";

/**
 * The `InstanceId.N` list of StartInstances / StopInstances, as EC2 checks it: at least one, at most 1000,
 * each well-formed, all-or-nothing when one is unknown (InvalidInstanceID.NotFound names every missing id).
 */
export function namedInstances(ids: readonly string[], ctx: Ec2Context, verb: string): InstanceRecord[] {
  const unique = [...new Set(ids)];
  if (unique.length === 0) throw missing("InstanceId");
  if (unique.length > 1000) {
    throw new Ec2ApiError("InvalidParameterValue", `You can ${verb} at most 1000 instances in one request.`);
  }
  for (const id of unique) if (!INSTANCE_ID.test(id)) throw malformed("InvalidInstanceID.Malformed", id, "i");
  const missingIds = unique.filter((id) => !ctx.store.get(id));
  if (missingIds.length > 0) throw instancesNotFound(missingIds);
  return unique.map((id) => ctx.store.get(id) as InstanceRecord);
}

/** One `instancesSet` item of a state-changing answer. */
export function stateChange(record: InstanceRecord, previous: InstanceStateName) {
  return {
    instanceId: record.instanceId,
    currentState: { code: STATE_CODE[record.state], name: record.state },
    previousState: { code: STATE_CODE[previous], name: previous },
  };
}

/** EC2's refusal for an instance in the wrong state for the call. */
export function incorrectState(instanceId: string, message: string): Ec2ApiError {
  return new Ec2ApiError("IncorrectInstanceState", `The instance '${instanceId}' ${message}`);
}
