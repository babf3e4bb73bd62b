import type { EC2Client } from "@aws-sdk/client-ec2";
import { TAG } from "../domain/tags.js";
import { writeInstanceTag } from "./ec2-write-tag.js";

/**
 * Writes `mayfly:interrupted = <ISO time of the warning>` on one of this deployment's instances. EC2 keeps a
 * terminated instance listed, tags included, for about an hour, which is where the spot breaker and the
 * re-run read interruptions from (ADR 0015). IAM allows this tag key only, on this deployment's instances
 * (infra/lib/fleet-policy.ts, MarkOwnInstancesInterrupted).
 */
export interface InterruptionMarker {
  mark(instanceId: string, at: number): Promise<void>;
}

export function createEc2InterruptionMarker(options: { client: EC2Client }): InterruptionMarker {
  return {
    mark: (instanceId, at) =>
      writeInstanceTag(options.client, instanceId, {
        key: TAG.interrupted,
        value: new Date(at).toISOString(),
      }),
  };
}

/** When the instance was warned, from its tag; undefined if it never was (or the tag is not a time). */
export function interruptedAt(tags: Record<string, string>): number | undefined {
  const value = tags[TAG.interrupted];
  const at = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}
