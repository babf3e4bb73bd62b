import { Ec2ApiError, malformed } from "../api-error.js";
import type { ActionHandler } from "../context.js";
import { type FilterFields, matchesFilters, parseFilters } from "../filters.js";
import { VOLUME_ID } from "../ids.js";
import type { EmulatedVolume } from "../model.js";
import { paginate } from "../pagination.js";
import { children, tagSet } from "../xml.js";

const FIELDS: FilterFields<EmulatedVolume> = {
  "attachment.instance-id": (v) => v.instanceId,
  "attachment.device": (v) => (v.instanceId ? v.deviceName : undefined),
  "volume-id": (v) => v.volumeId,
  "volume-type": (v) => v.volumeType,
  status: (v) => v.state,
  encrypted: (v) => String(v.encrypted),
  "availability-zone": (v) => v.availabilityZone,
};

/** DescribeVolumes: ids and/or filters, MaxResults 5–500 with NextToken. */
export const describeVolumes: ActionHandler = (q, ctx) => {
  const ids = q.strings("VolumeId");
  for (const id of ids) if (!VOLUME_ID.test(id)) throw malformed("InvalidVolumeID.Malformed", id, "vol");
  const filters = parseFilters(q, Object.keys(FIELDS).concat("tag-key", "tag-value"));
  const missing = ids.filter((id) => !ctx.store.volume(id));
  if (missing.length > 0) {
    throw new Ec2ApiError("InvalidVolume.NotFound", `The volume '${missing.join(", ")}' does not exist.`);
  }
  const wanted = new Set(ids);
  const matching = ctx.store
    .volumes()
    .filter((v) => (wanted.size === 0 || wanted.has(v.volumeId)) && matchesFilters(v, filters, FIELDS));
  const { page, nextToken } = paginate(q, matching, (v) => ctx.store.volumeOrder(v.volumeId), {
    min: 5,
    max: 500,
  });
  return children({ volumeSet: page.map(volumeXml), nextToken });
};

function volumeXml(v: EmulatedVolume) {
  return {
    volumeId: v.volumeId,
    size: v.sizeGiB,
    snapshotId: "",
    availabilityZone: v.availabilityZone,
    status: v.state,
    createTime: new Date(v.createTime),
    attachmentSet: v.instanceId
      ? [
          {
            volumeId: v.volumeId,
            instanceId: v.instanceId,
            device: v.deviceName,
            status: "attached",
            attachTime: new Date(v.createTime),
            deleteOnTermination: v.deleteOnTermination,
          },
        ]
      : [],
    volumeType: v.volumeType,
    iops: v.iops,
    throughput: v.throughput,
    encrypted: v.encrypted,
    kmsKeyId: v.kmsKeyId,
    tagSet: tagSet(v.tags),
    multiAttachEnabled: false,
  };
}
