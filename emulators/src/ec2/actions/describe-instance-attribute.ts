import { Ec2ApiError, instancesNotFound, malformed } from "../api-error.js";
import type { ActionHandler } from "../context.js";
import { INSTANCE_ID } from "../ids.js";
import type { InstanceRecord } from "../model.js";
import { children, type XmlValue } from "../xml.js";

const ATTRIBUTES: Record<string, (i: InstanceRecord) => XmlValue> = {
  // User data comes back base64-encoded, exactly as launched; an instance without any answers <userData/>.
  userData: (i) => (i.userDataBase64 === undefined ? {} : { value: i.userDataBase64 }),
  instanceInitiatedShutdownBehavior: (i) => ({ value: i.shutdownBehavior }),
  instanceType: (i) => ({ value: i.instanceType }),
  disableApiTermination: (i) => ({ value: i.disableApiTermination }),
};

/** DescribeInstanceAttribute for the attributes Mayfly and its tests read. */
export const describeInstanceAttribute: ActionHandler = (q, ctx) => {
  const id = q.required("InstanceId");
  const attribute = q.required("Attribute");
  if (!INSTANCE_ID.test(id)) throw malformed("InvalidInstanceID.Malformed", id, "i");
  const read = ATTRIBUTES[attribute];
  if (!read) {
    throw new Ec2ApiError(
      "InvalidParameterValue",
      `Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`,
    );
  }
  const instance = ctx.store.get(id);
  if (!instance) throw instancesNotFound([id]);
  return children({ instanceId: id, [attribute]: read(instance) });
};
