/**
 * A Mayfly runner is named after its instance: prefix + instance id (DESIGN.md "bootstrap"). The name is
 * how GitHub's runner list, webhooks and EC2 refer to one machine, so this is the only place that joins
 * or splits it.
 */

/** EC2 instance ids: `i-` and 8 (older) or 17 hex digits. */
export const INSTANCE_ID_PATTERN = /^i-[0-9a-f]{8,17}$/;

export function runnerNameOf(prefix: string, instanceId: string): string {
  return `${prefix}${instanceId}`;
}

/**
 * The instance a runner name stands for, or undefined when the name lacks the prefix. It does not check
 * the id's shape: callers that act on EC2 with it check `isInstanceId` (a name someone else registered
 * with our prefix must not reach an EC2 call as anything but an id).
 */
export function instanceIdOf(prefix: string, runnerName: string): string | undefined {
  return runnerName.startsWith(prefix) ? runnerName.slice(prefix.length) : undefined;
}

export function isInstanceId(text: string): boolean {
  return INSTANCE_ID_PATTERN.test(text);
}

/** Whether GitHub's runner (by name) carries this deployment's prefix; says nothing about whether it is live. */
export function isMayflyRunnerName(prefix: string, runnerName: string): boolean {
  return runnerName.startsWith(prefix);
}
