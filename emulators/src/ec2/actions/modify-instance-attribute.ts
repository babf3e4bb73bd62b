import { dryRun, Ec2ApiError, instancesNotFound, invalidValue, malformed, missing } from "../api-error.js";
import type { ActionHandler } from "../context.js";
import { INSTANCE_ID } from "../ids.js";
import type { InstanceRecord } from "../model.js";
import type { Query } from "../query.js";
import { children } from "../xml.js";
import { incorrectState } from "./named-instances.js";

/** EC2's user-data limit: 16 KB before base64 (API reference, RunInstances UserData). */
const USER_DATA_MAX_BYTES = 16 * 1024;

type Change = (record: InstanceRecord) => void;

/**
 * ModifyInstanceAttribute for the attributes a warm pool changes, one per call as EC2 insists.
 * `UserData.Value` (base64 on the wire) only while the instance is stopped: EC2 refuses otherwise with
 * IncorrectInstanceState (user-data docs; reference/wave2-facts.md). `InstanceInitiatedShutdownBehavior`
 * and `DisableApiTermination` in any state but terminated. Either the `Attribute` + `Value` form or the
 * named member form, as the SDK sends it.
 */
export const modifyInstanceAttribute: ActionHandler = (q, ctx) => {
  const id = q.required("InstanceId");
  if (!INSTANCE_ID.test(id)) throw malformed("InvalidInstanceID.Malformed", id, "i");
  const change = parseChange(q);
  const record = ctx.store.get(id);
  if (!record) throw instancesNotFound([id]);
  if (record.state === "terminated" || record.state === "shutting-down")
    throw incorrectState(id, `is not in a state from which it can be modified (it is ${record.state}).`);
  if (change.stoppedOnly && record.state !== "stopped")
    throw incorrectState(id, "is not in the 'stopped' state.");
  if (q.bool("DryRun")) throw dryRun();
  change.apply(record);
  return children({ return: true });
};

function parseChange(q: Query): { apply: Change; stoppedOnly: boolean } {
  const attribute = q.str("Attribute");
  const named = (name: string) =>
    q.str(`${name}.Value`) ?? (attribute === lower(name) ? q.str("Value") : undefined);
  const userData = named("UserData");
  const shutdown = named("InstanceInitiatedShutdownBehavior");
  const protect = named("DisableApiTermination");
  const given = [userData, shutdown, protect].filter((v) => v !== undefined).length;
  if (given === 0) {
    if (attribute)
      throw invalidValue(
        "Attribute",
        attribute,
        "The emulator models userData, instanceInitiatedShutdownBehavior and disableApiTermination.",
      );
    throw missing("Attribute");
  }
  if (given > 1) {
    throw new Ec2ApiError(
      "InvalidParameterCombination",
      "Fields for multiple attribute types specified: only one attribute can be modified at a time.",
    );
  }
  if (userData !== undefined) {
    const bytes = Buffer.from(userData, "base64");
    if (bytes.length > USER_DATA_MAX_BYTES)
      throw invalidValue("UserData", "(too long)", `User data is limited to ${USER_DATA_MAX_BYTES} bytes.`);
    return {
      stoppedOnly: true,
      apply: (r) => {
        r.userDataBase64 = userData;
        r.userData = bytes.toString("utf8");
      },
    };
  }
  if (shutdown !== undefined) {
    if (shutdown !== "stop" && shutdown !== "terminate")
      throw invalidValue("InstanceInitiatedShutdownBehavior", shutdown);
    return {
      stoppedOnly: false,
      apply: (r) => {
        r.shutdownBehavior = shutdown;
      },
    };
  }
  if (protect !== "true" && protect !== "false") throw invalidValue("DisableApiTermination", String(protect));
  return {
    stoppedOnly: false,
    apply: (r) => {
      r.disableApiTermination = protect === "true";
    },
  };
}

function lower(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
