import { Ec2ApiError, invalidValue } from "./api-error.js";
import type { Query } from "./query.js";

/**
 * Tag rules EC2 enforces: keys 1–128 characters, values ≤ 256, the `aws:` prefix reserved, at most 50
 * tags per resource (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html).
 */
export function parseTags(list: readonly Query[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of list) {
    const key = tag.str("Key");
    const value = tag.str("Value") ?? "";
    if (key === undefined || key.length === 0 || key.length > 128) throw invalidValue("Tag.Key", key ?? "");
    if (value.length > 256) throw invalidValue("Tag.Value", value);
    if (key.toLowerCase().startsWith("aws:")) {
      throw new Ec2ApiError(
        "InvalidParameterValue",
        "Tag keys starting with 'aws:' are reserved for internal use",
      );
    }
    tags[key] = value;
  }
  checkTagCount(tags);
  return tags;
}

export function checkTagCount(tags: Record<string, string>): void {
  if (Object.keys(tags).length > 50) {
    throw new Ec2ApiError("TagLimitExceeded", "The maximum number of tags per resource is 50.");
  }
}

/** `TagSpecification.N.ResourceType` + `.Tag.M.Key/Value`, grouped by resource type. */
export function parseTagSpecifications(
  q: Query,
  allowed: readonly string[],
): Record<string, Record<string, string>> {
  const byType: Record<string, Record<string, string>> = {};
  for (const spec of q.list("TagSpecification")) {
    const type = spec.required("ResourceType");
    if (!allowed.includes(type)) {
      throw new Ec2ApiError(
        "InvalidParameterValue",
        `'${type}' is not a valid taggable resource type for this operation.`,
      );
    }
    byType[type] = { ...byType[type], ...parseTags(spec.list("Tag")) };
  }
  return byType;
}
