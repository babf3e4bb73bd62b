import { TAG } from "./tags.js";

/**
 * Which jobs a launch was for, written as tags on its instances so that any replica, after any restart,
 * can count a job's launches from DescribeInstances (ADR 0006). One RunInstances call launches for many
 * jobs (one instance each) and every instance gets the same tags, so each carries the whole list:
 * space-separated job ids in `mayfly:jobs`, `mayfly:jobs:2`, … (EC2 tag values hold at most 256
 * characters, a resource at most 50 tags:
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions).
 * EC2 lists terminated instances for about an hour, which bounds how long a job's launches are seen.
 */
const VALUE_LIMIT = 256;

export function jobTags(jobIds: readonly number[]): Record<string, string> {
  const tags: Record<string, string> = {};
  let index = 1;
  let value = "";
  for (const id of [...new Set(jobIds)].sort((a, b) => a - b)) {
    const next = value === "" ? String(id) : `${value} ${id}`;
    if (next.length > VALUE_LIMIT) {
      tags[keyOf(index++)] = value;
      value = String(id);
    } else value = next;
  }
  if (value !== "") tags[keyOf(index)] = value;
  return tags;
}

/** The job ids an instance's tags name (malformed parts are ignored). */
export function jobsOf(tags: Readonly<Record<string, string>>): number[] {
  const ids: number[] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (key !== TAG.jobs && !key.startsWith(`${TAG.jobs}:`)) continue;
    for (const part of value.split(" ")) {
      const id = Number(part);
      if (Number.isSafeInteger(id) && id > 0) ids.push(id);
    }
  }
  return ids;
}

function keyOf(index: number): string {
  return index === 1 ? TAG.jobs : `${TAG.jobs}:${index}`;
}
