import { RunInstancesCommand } from "@aws-sdk/client-ec2";
import type { Sandbox } from "../../sandbox/sandbox.js";
import { TAG } from "../../src/domain/tags.js";
import { PLANTED_TAG } from "./plant-instances.js";
import { waitUntil } from "./wait-until.js";

/**
 * Launches `count` instances as one Mayfly launch `launch` would (deployment `mayfly`, pool `small`, org
 * `acme`), with agents that never enrol, and returns each one's signed identity document read from IMDS:
 * the bench then enrols them itself with a token it issued for `launch`.
 */
export async function plantLaunch(
  sandbox: Sandbox,
  launch: string,
  count: number,
): Promise<Array<{ document: string; signature: string }>> {
  const client = sandbox.ec2Client();
  const ids: string[] = [];
  try {
    for (let left = count; left > 0; left -= 50) {
      const n = Math.min(50, left);
      const out = await client.send(
        new RunInstancesCommand({
          ImageId: "ami-0123456789abcdef0",
          InstanceType: "t3.medium",
          MinCount: n,
          MaxCount: n,
          SubnetId: "subnet-0a1b2c3d4e5f60001",
          TagSpecifications: [
            {
              ResourceType: "instance",
              Tags: [
                { Key: TAG.managedBy, Value: "mayfly" },
                { Key: TAG.pool, Value: "small" },
                { Key: TAG.org, Value: "acme" },
                { Key: TAG.launch, Value: launch },
                { Key: PLANTED_TAG, Value: "true" },
              ],
            },
          ],
        }),
      );
      ids.push(...(out.Instances ?? []).map((i) => i.InstanceId ?? ""));
    }
  } finally {
    client.destroy();
  }
  // The identity document is read once the instance runs, as the boot script would.
  await waitUntil(
    "the planted instances to run",
    () => ids.every((id) => sandbox.ec2.instance(id)?.state === "running"),
    {
      timeoutMs: 60_000,
      everyMs: 100,
    },
  );
  return Promise.all(ids.map((id) => identityOf(sandbox, id)));
}

async function identityOf(sandbox: Sandbox, instanceId: string) {
  const base = sandbox.ec2.imdsUrl(instanceId);
  const token = await (
    await fetch(`${base}/latest/api/token`, {
      method: "PUT",
      headers: { "x-aws-ec2-metadata-token-ttl-seconds": "300" },
    })
  ).text();
  const get = async (path: string) =>
    (await fetch(`${base}${path}`, { headers: { "x-aws-ec2-metadata-token": token } })).text();
  return {
    document: await get("/latest/dynamic/instance-identity/document"),
    signature: await get("/latest/dynamic/instance-identity/signature"),
  };
}
