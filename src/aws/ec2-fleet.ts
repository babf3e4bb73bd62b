import { type EC2Client, type Filter, RunInstancesCommand } from "@aws-sdk/client-ec2";
import type { InstanceState } from "../domain/instance-state.js";
import { INSTANCE_ID_PATTERN } from "../domain/runner-name.js";
import { TAG } from "../domain/tags.js";
import { describeByFilters, describeByIds } from "./ec2-describe.js";
import { translateEc2Error } from "./ec2-error.js";
import { toLaunchedInstance, toManagedInstance } from "./ec2-instance.js";
import { buildRunInstancesInput } from "./ec2-launch-input.js";
import { terminateIds } from "./ec2-terminate.js";
import type { Fleet, ManagedInstance } from "./fleet.js";

export interface Ec2FleetOptions {
  /**
   * Create it with `maxAttempts: 1` (or a retry strategy that does not retry 5xx) for launches, so
   * capacity errors surface at once and the scaler can move to another type/zone/market
   * (reference/api-facts.md §3.5: the default strategy retries InsufficientInstanceCapacity 3 times).
   */
  client: EC2Client;
  /** The value of the `mayfly:managed-by` tag this fleet writes and filters on. */
  deploymentId: string;
  /** DescribeInstances MaxResults for `list` (5–1000, default 500). */
  pageSize?: number;
}

const ALL_BUT_TERMINATED: readonly InstanceState[] = [
  "pending",
  "running",
  "shutting-down",
  "stopping",
  "stopped",
];
/** TerminateInstances and DescribeInstances take at most 1000 ids per call. */
const ID_CHUNK = 1000;

/** The Fleet over EC2: RunInstances to launch, tag-filtered DescribeInstances to observe, TerminateInstances. */
export function createEc2Fleet(options: Ec2FleetOptions): Fleet {
  const { client, deploymentId } = options;
  const pageSize = Math.min(1000, Math.max(5, options.pageSize ?? 500));
  const ours: Filter = { Name: `tag:${TAG.managedBy}`, Values: [deploymentId] };

  return {
    async launch(spec) {
      const input = buildRunInstancesInput(spec, deploymentId);
      try {
        const out = await client.send(new RunInstancesCommand(input));
        return (out.Instances ?? []).map((i) => toLaunchedInstance(i, spec.subnetId));
      } catch (error) {
        throw translateEc2Error(error);
      }
    },

    async list(listOptions = {}) {
      const states = listOptions.states ?? ALL_BUT_TERMINATED;
      if (states.length === 0) return [];
      const found = await describeByFilters(client, pageSize, [
        ours,
        { Name: "instance-state-name", Values: [...states] },
        ...(listOptions.tagKey ? [{ Name: "tag-key", Values: [listOptions.tagKey] }] : []),
      ]);
      return found.map(toManagedInstance);
    },

    async describe(instanceIds) {
      const result: ManagedInstance[] = [];
      for (const chunk of chunks(wellFormed(instanceIds), ID_CHUNK)) {
        result.push(...(await describeByIds(client, pageSize, chunk, [ours])).map(toManagedInstance));
      }
      return result;
    },

    async terminate(instanceIds) {
      for (const chunk of chunks(wellFormed(instanceIds), ID_CHUNK))
        await terminateIds(client, pageSize, chunk);
    },
  };
}

/** Ids that cannot exist are dropped up front instead of failing the whole call (InvalidInstanceID.Malformed). */
function wellFormed(ids: readonly string[]): string[] {
  return [...new Set(ids)].filter((id) => INSTANCE_ID_PATTERN.test(id));
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
