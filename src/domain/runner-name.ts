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

/** The instance a runner name stands for, or undefined when the name is not one of ours. */
export function instanceIdOf(prefix: string, runnerName: string): string | undefined {
  if (!runnerName.startsWith(prefix)) return undefined;
  const instanceId = runnerName.slice(prefix.length);
  return INSTANCE_ID_PATTERN.test(instanceId) ? instanceId : undefined;
}

/** Whether GitHub's runner (by name) is one this deployment names; says nothing about whether it is live. */
export function isMayflyRunnerName(prefix: string, runnerName: string): boolean {
  return instanceIdOf(prefix, runnerName) !== undefined;
}
