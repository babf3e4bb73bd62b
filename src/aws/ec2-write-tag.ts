import { CreateTagsCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { translateEc2Error } from "./ec2-error.js";

/**
 * One CreateTags of one key on one instance: how the app records what happened to an instance after
 * launch. IAM allows each such key in its own statement, on this deployment's instances only
 * (infra/lib/fleet-policy.ts).
 */
export async function writeInstanceTag(
  client: EC2Client,
  instanceId: string,
  tag: { key: string; value: string },
): Promise<void> {
  try {
    await client.send(
      new CreateTagsCommand({ Resources: [instanceId], Tags: [{ Key: tag.key, Value: tag.value }] }),
    );
  } catch (error) {
    throw translateEc2Error(error);
  }
}
