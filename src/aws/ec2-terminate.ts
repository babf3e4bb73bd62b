import { type EC2Client, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { existingInstances, withoutNamedIds } from "./ec2-describe.js";
import { ec2ErrorCode, translateEc2Error } from "./ec2-error.js";

/**
 * TerminateInstances for ≤ 1000 ids, ignoring ids EC2 does not know: it refuses the whole call naming
 * them, so drop those (or, if it names none, keep the ids that exist) and try again.
 */
export async function terminateIds(
  client: EC2Client,
  pageSize: number,
  ids: readonly string[],
): Promise<void> {
  let remaining = [...ids];
  while (remaining.length > 0) {
    try {
      await client.send(new TerminateInstancesCommand({ InstanceIds: remaining }));
      return;
    } catch (error) {
      if (ec2ErrorCode(error) !== "InvalidInstanceID.NotFound") throw translateEc2Error(error);
      const next = withoutNamedIds(remaining, error);
      if (next.length < remaining.length) {
        remaining = next;
        continue;
      }
      const found = new Set((await existingInstances(client, pageSize, remaining)).map((i) => i.InstanceId));
      if (found.size >= remaining.length) throw translateEc2Error(error);
      remaining = remaining.filter((id) => found.has(id));
    }
  }
}
