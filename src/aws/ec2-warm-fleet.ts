import {
  CreateTagsCommand,
  DeleteTagsCommand,
  type EC2Client,
  ModifyInstanceAttributeCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import { ec2ErrorCode, translateEc2Error } from "./ec2-error.js";
import type { WarmFleet } from "./warm-fleet.js";

/**
 * WarmFleet over EC2. Each ModifyInstanceAttribute call changes one attribute (the API's rule). The
 * IAM policy limits these calls to this deployment's instances (aws:ResourceTag/mayfly:managed-by).
 */
export function createEc2WarmFleet(options: { client: EC2Client }): WarmFleet {
  const { client } = options;
  const send = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw translateEc2Error(error);
    }
  };
  return {
    async setUserData(instanceId, userData) {
      try {
        await client.send(
          new ModifyInstanceAttributeCommand({
            InstanceId: instanceId,
            UserData: { Value: new TextEncoder().encode(userData) },
          }),
        );
        return "set";
      } catch (error) {
        const code = ec2ErrorCode(error);
        if (code === "IncorrectInstanceState" || code === "InvalidInstanceID.NotFound") return "not-stopped";
        throw translateEc2Error(error);
      }
    },
    setShutdownBehaviour: (instanceId, behaviour) =>
      send(async () => {
        await client.send(
          new ModifyInstanceAttributeCommand({
            InstanceId: instanceId,
            InstanceInitiatedShutdownBehavior: { Value: behaviour },
          }),
        );
      }),
    start: (ids) =>
      send(async () => {
        if (ids.length === 0) return [];
        const out = await client.send(new StartInstancesCommand({ InstanceIds: [...ids] }));
        // Only the call that saw PreviousState `stopped` started the instance; a racing one sees pending.
        return (out.StartingInstances ?? [])
          .filter((i) => i.PreviousState?.Name === "stopped" && i.InstanceId !== undefined)
          .map((i) => i.InstanceId as string);
      }),
    stop: (ids) =>
      send(async () => {
        if (ids.length > 0) await client.send(new StopInstancesCommand({ InstanceIds: [...ids] }));
      }),
    tag: (instanceId, tags) =>
      send(async () => {
        await client.send(
          new CreateTagsCommand({
            Resources: [instanceId],
            Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
          }),
        );
      }),
    untag: (instanceId, key) =>
      send(async () => {
        await client.send(new DeleteTagsCommand({ Resources: [instanceId], Tags: [{ Key: key }] }));
      }),
  };
}
