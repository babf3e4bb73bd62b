import { combination, instancesNotFound, malformed } from "../api-error.js";
import type { ActionHandler } from "../context.js";
import { type FilterFields, matchesFilters, parseFilters } from "../filters.js";
import { INSTANCE_ID } from "../ids.js";
import { instanceXml } from "../instance-xml.js";
import { type InstanceRecord, STATE_CODE } from "../model.js";
import { paginate } from "../pagination.js";
import { children, type XmlValue } from "../xml.js";

const FIELDS: FilterFields<InstanceRecord> = {
  "instance-state-name": (i) => i.state,
  "instance-state-code": (i) => String(STATE_CODE[i.state]),
  "client-token": (i) => i.clientToken,
  "instance-id": (i) => i.instanceId,
  "availability-zone": (i) => i.availabilityZone,
  "instance-type": (i) => i.instanceType,
  "subnet-id": (i) => i.subnetId,
  "image-id": (i) => i.imageId,
  "instance-lifecycle": (i) => (i.market === "spot" ? "spot" : undefined),
  "reservation-id": (i) => i.reservationId,
  "private-ip-address": (i) => i.privateIp,
};

/**
 * DescribeInstances: ids and/or filters, MaxResults 5–1000 with NextToken (not combinable with ids),
 * instances grouped into their reservations (reference/api-facts.md §3.4).
 */
export const describeInstances: ActionHandler = (q, ctx) => {
  const ids = q.strings("InstanceId");
  if (ids.length > 0 && q.has("MaxResults")) {
    throw combination("The parameter instancesSet cannot be used with the parameter maxResults");
  }
  for (const id of ids) if (!INSTANCE_ID.test(id)) throw malformed("InvalidInstanceID.Malformed", id, "i");
  const filters = parseFilters(q, Object.keys(FIELDS).concat("tag-key", "tag-value"));
  ctx.tagVisibility.settle();
  const known = ctx.store.all();
  if (ids.length > 0) {
    const missing = ids.filter((id) => !ctx.store.get(id));
    if (missing.length > 0) throw instancesNotFound(missing);
  }
  const wanted = new Set(ids);
  const matching = known.filter(
    (i) => (wanted.size === 0 || wanted.has(i.instanceId)) && matchesFilters(i, filters, FIELDS),
  );
  const { page, nextToken } = paginate(q, matching, (i) => i.seq, { min: 5, max: 1000 });
  return children({ reservationSet: groupByReservation(page, ctx.options.accountId), nextToken });
};

function groupByReservation(instances: readonly InstanceRecord[], ownerId: string): XmlValue[] {
  const groups = new Map<string, InstanceRecord[]>();
  for (const instance of instances) {
    const group = groups.get(instance.reservationId) ?? [];
    group.push(instance);
    groups.set(instance.reservationId, group);
  }
  return [...groups].map(([reservationId, members]) => ({
    reservationId,
    ownerId,
    groupSet: [],
    instancesSet: members.map(instanceXml),
  }));
}
