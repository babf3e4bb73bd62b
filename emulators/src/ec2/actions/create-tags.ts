import { dryRun, Ec2ApiError, instancesNotFound, malformed, missing } from "../api-error.js";
import type { ActionHandler, Ec2Context } from "../context.js";
import { INSTANCE_ID, VOLUME_ID } from "../ids.js";
import { checkTagCount, parseTags } from "../tags.js";
import { children } from "../xml.js";

/** CreateTags on instances and volumes; all resources are checked before any is tagged. */
export const createTags: ActionHandler = (q, ctx) => {
  const ids = q.strings("ResourceId");
  if (ids.length === 0) throw missing("ResourceId");
  const tags = parseTags(q.list("Tag"));
  if (Object.keys(tags).length === 0) throw missing("Tag");
  const targets = ids.map((id) => target(id, ctx));
  for (const t of targets) checkTagCount({ ...t.tags, ...tags });
  if (q.bool("DryRun")) throw dryRun();
  for (const t of targets) ctx.tagVisibility.write(t, tags);
  return children({ return: true });
};

function target(id: string, ctx: Ec2Context): { tags: Record<string, string> } {
  if (id.startsWith("i-")) {
    if (!INSTANCE_ID.test(id)) throw malformed("InvalidInstanceID.Malformed", id, "i");
    const instance = ctx.store.get(id);
    if (!instance) throw instancesNotFound([id]);
    return instance;
  }
  if (id.startsWith("vol-")) {
    if (!VOLUME_ID.test(id)) throw malformed("InvalidVolumeID.Malformed", id, "vol");
    const volume = ctx.store.volume(id);
    if (!volume) throw new Ec2ApiError("InvalidVolume.NotFound", `The volume '${id}' does not exist.`);
    return volume;
  }
  throw new Ec2ApiError("InvalidID", `The ID '${id}' is not valid`);
}
