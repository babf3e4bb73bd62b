import {
  DescribeInstancesCommand,
  type EC2Client,
  type Filter,
  type Instance,
  paginateDescribeInstances,
} from "@aws-sdk/client-ec2";
import { ec2ErrorCode, translateEc2Error } from "./ec2-error.js";

/** EC2 allows 200 filter values per call. */
const FILTER_CHUNK = 200;

/** Every instance matching the filters, following NextToken pages of `pageSize`. */
export async function describeByFilters(
  client: EC2Client,
  pageSize: number,
  filters: Filter[],
): Promise<Instance[]> {
  const found: Instance[] = [];
  try {
    for await (const page of paginateDescribeInstances({ client, pageSize }, { Filters: filters })) {
      for (const reservation of page.Reservations ?? []) found.push(...(reservation.Instances ?? []));
    }
  } catch (error) {
    throw translateEc2Error(error);
  }
  return found;
}

/** The instances among `ids` that exist, via the `instance-id` filter, which never errors on unknown ids. */
export async function existingInstances(
  client: EC2Client,
  pageSize: number,
  ids: readonly string[],
  filters: Filter[] = [],
): Promise<Instance[]> {
  const found: Instance[] = [];
  for (let i = 0; i < ids.length; i += FILTER_CHUNK) {
    const chunk = ids.slice(i, i + FILTER_CHUNK);
    found.push(
      ...(await describeByFilters(client, pageSize, [...filters, { Name: "instance-id", Values: chunk }])),
    );
  }
  return found;
}

/**
 * DescribeInstances by InstanceId.N (≤ 1000): one call in the common case. EC2 fails the whole call when
 * an id is unknown, naming the missing ids, so retry without them; if the message names none, fall back
 * to the `instance-id` filter.
 */
export async function describeByIds(
  client: EC2Client,
  pageSize: number,
  ids: readonly string[],
  filters: Filter[],
): Promise<Instance[]> {
  let remaining = [...ids];
  while (remaining.length > 0) {
    try {
      const out = await client.send(
        new DescribeInstancesCommand({ InstanceIds: remaining, Filters: filters }),
      );
      return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
    } catch (error) {
      if (ec2ErrorCode(error) !== "InvalidInstanceID.NotFound") throw translateEc2Error(error);
      const next = withoutNamedIds(remaining, error);
      if (next.length === remaining.length) return existingInstances(client, pageSize, remaining, filters);
      remaining = next;
    }
  }
  return [];
}

/** EC2 names the unknown ids in the message: "The instance IDs 'i-1, i-2' do not exist". */
export function withoutNamedIds(ids: readonly string[], error: unknown): string[] {
  const message = error instanceof Error ? error.message : "";
  const named = new Set(message.match(/i-[0-9a-f]+/g) ?? []);
  return ids.filter((id) => !named.has(id));
}
