import type { EC2Client } from "@aws-sdk/client-ec2";
import { TAG } from "../domain/tags.js";
import { writeInstanceTag } from "./ec2-write-tag.js";

/**
 * Writes `mayfly:taken = <job id>` on an instance whose runner a job the policy denies took. That launch
 * served none of the jobs it was for, so it does not count against their launch cap: otherwise a repository
 * the pool refuses could queue a few jobs and starve an admitted one into giving up (every runner it
 * takes is terminated, and the admitted job relaunched). IAM allows this key only, on this deployment's
 * instances (infra/lib/fleet-policy.ts, RecordTakenRunners).
 */
export interface TakenMarker {
  mark(instanceId: string, jobId: number): Promise<void>;
}

export function createEc2TakenMarker(options: { client: EC2Client }): TakenMarker {
  return {
    mark: (instanceId, jobId) =>
      writeInstanceTag(options.client, instanceId, { key: TAG.taken, value: String(jobId) }),
  };
}
