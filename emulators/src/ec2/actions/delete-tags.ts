import { dryRun, Ec2ApiError, instancesNotFound, malformed, missing } from "../api-error.js";
import type { ActionHandler } from "../context.js";
import { INSTANCE_ID } from "../ids.js";
import { children } from "../xml.js";

/**
 * DeleteTags on instances: `Tag.N.Key` removes the key whatever its value; with `Tag.N.Value` only when
 * the value matches (API reference, DeleteTags). Shares CreateTags' request bucket (100, 10/s).
 * All instances are checked before any is changed.
 */
export const deleteTags: ActionHandler = (q, ctx) => {
  const ids = q.strings("ResourceId");
  if (ids.length === 0) throw missing("ResourceId");
  const records = ids.map((id) => {
    if (!id.startsWith("i-")) throw new Ec2ApiError("InvalidID", `The ID '${id}' is not valid`);
    if (!INSTANCE_ID.test(id)) throw malformed("InvalidInstanceID.Malformed", id, "i");
    const record = ctx.store.get(id);
    if (!record) throw instancesNotFound([id]);
    return record;
  });
  const tags = q.list("Tag").map((t) => ({ key: t.str("Key") ?? "", value: t.str("Value") }));
  if (q.bool("DryRun")) throw dryRun();
  for (const record of records) {
    // No Tag list: every user tag goes (the API's documented behaviour); aws: tags are EC2's own.
    if (tags.length === 0)
      for (const key of Object.keys(record.tags)) if (!key.startsWith("aws:")) delete record.tags[key];
    for (const { key, value } of tags) {
      if (value === undefined || record.tags[key] === value) delete record.tags[key];
    }
  }
  return children({ return: true });
};
