import type { Sandbox } from "../../sandbox/sandbox.js";
import { parseUserData } from "../../src/bootstrap/user-data.js";

/** What an instance's bootstrap script (or a job on it) reads through IMDSv2. */
export async function identityOf(sandbox: Sandbox, instanceId: string) {
  const base = sandbox.ec2.imdsUrl(instanceId);
  const token = await (
    await fetch(`${base}/latest/api/token`, {
      method: "PUT",
      headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" },
    })
  ).text();
  const get = async (path: string) =>
    (await fetch(`${base}${path}`, { headers: { "x-aws-ec2-metadata-token": token } })).text();
  return {
    userData: parseUserData(await get("/latest/user-data")),
    identity: {
      document: await get("/latest/dynamic/instance-identity/document"),
      signature: await get("/latest/dynamic/instance-identity/signature"),
    },
  };
}
