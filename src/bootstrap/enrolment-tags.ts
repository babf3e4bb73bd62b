import { CreateTagsCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { ec2ErrorCode, translateEc2Error } from "../aws/ec2-error.js";
import { TAG } from "../domain/tags.js";

/**
 * Where an instance's enrolment is recorded: its own `mayfly:enrolled` tag (ADR 0007), so every
 * replica sees it without a database. One CreateTags per enrolment attempt (bucket 100, refill 10/s:
 * above GitHub's ~3 JIT configs/s per App identity, which paces enrolment anyway). The app role may
 * write only this key, only on this deployment's instances (infra/lib/fleet-policy.ts).
 */
export interface EnrolmentTags {
  /** "gone" when EC2 no longer knows the instance. Throws ThrottledError / UnavailableError. */
  write(instanceId: string, value: string): Promise<"written" | "gone">;
}

export function createEc2EnrolmentTags(options: { client: EC2Client }): EnrolmentTags {
  return {
    async write(instanceId, value) {
      try {
        await options.client.send(
          new CreateTagsCommand({ Resources: [instanceId], Tags: [{ Key: TAG.enrolled, Value: value }] }),
        );
        return "written";
      } catch (error) {
        if (ec2ErrorCode(error) === "InvalidInstanceID.NotFound") return "gone";
        throw translateEc2Error(error);
      }
    },
  };
}
