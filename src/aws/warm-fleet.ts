/**
 * What warm capacity needs from EC2 beyond launching and terminating (issue 13, ADR 0014): stopped
 * instances are started for a job with fresh user data and terminate-on-shutdown. `ec2-warm-fleet.ts`
 * implements it over the real SDK client; the memory fleet implements it for unit tests. Adapters throw
 * only the named errors of `../errors.js`.
 */
export type ShutdownBehaviour = "stop" | "terminate";

export interface WarmFleet {
  /**
   * Replaces a stopped instance's user data (plain text; the adapter encodes it). "not-stopped" when EC2
   * refuses because the instance is no longer stopped (another replica claimed it, or it is gone).
   */
  setUserData(instanceId: string, userData: string): Promise<"set" | "not-stopped">;
  setShutdownBehaviour(instanceId: string, behaviour: ShutdownBehaviour): Promise<void>;
  /**
   * StartInstances. Returns the ids this call moved out of `stopped` (EC2's PreviousState): EC2 makes
   * each state change once, so of two replicas starting the same instance exactly one is told it did.
   * Throws CapacityError (no capacity to start it now), ThrottledError, UnavailableError.
   */
  start(instanceIds: readonly string[]): Promise<string[]>;
  /**
   * StopInstances (running ones; stopping or stopped ones are left as they are). Not called by the app
   * and not granted in infra/lib/warm-policy.ts: a warm-up boot stops itself. Grant it before using it.
   */
  stop(instanceIds: readonly string[]): Promise<void>;
  /** DeleteTags of one key: how an instance is claimed out of a warm pool. */
  untag(instanceId: string, key: string): Promise<void>;
  /** CreateTags: a claimed instance is tagged with its job, so every replica counts it as the job's launch. */
  tag(instanceId: string, tags: Readonly<Record<string, string>>): Promise<void>;
}
