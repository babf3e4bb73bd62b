import { RunInstancesCommand } from "@aws-sdk/client-ec2";
import type { Sandbox } from "../../sandbox/sandbox.js";
import { TAG } from "../../src/domain/tags.js";

/** Instances carrying this tag get the `never-bootstrap` agent: they boot and never register a runner. */
export const PLANTED_TAG = "bench:planted";

/**
 * Launches `count` instances tagged as Mayfly's own (deployment `mayfly`, pool `small`, org `acme`) that
 * Mayfly did not launch: orphans for the reaper to find. Goes through the EC2 API, so it is subject to
 * the emulator's throttling unless the caller turned it off.
 */
export async function plantInstances(sandbox: Sandbox, count: number): Promise<string[]> {
  const client = sandbox.ec2Client();
  try {
    const out = await client.send(
      new RunInstancesCommand({
        ImageId: "ami-0123456789abcdef0",
        InstanceType: "t3.medium",
        MinCount: count,
        MaxCount: count,
        SubnetId: "subnet-0a1b2c3d4e5f60001",
        TagSpecifications: [
          {
            ResourceType: "instance",
            Tags: [
              { Key: TAG.managedBy, Value: "mayfly" },
              { Key: TAG.pool, Value: "small" },
              { Key: TAG.org, Value: "acme" },
              { Key: TAG.launch, Value: "bench-planted" },
              { Key: PLANTED_TAG, Value: "true" },
            ],
          },
        ],
      }),
    );
    return (out.Instances ?? []).map((i) => i.InstanceId ?? "");
  } finally {
    client.destroy();
  }
}
