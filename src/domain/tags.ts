/** Tag keys Mayfly writes on every instance and volume it launches: the durable state (ADR 0002). */
export const TAG = {
  managedBy: "mayfly:managed-by",
  pool: "mayfly:pool",
  org: "mayfly:org",
  launch: "mayfly:launch",
  /** Written at a spot interruption warning (ISO time): the breaker and the re-run read it (ADR 0015). */
  interrupted: "mayfly:interrupted",
  /**
   * Written by the bootstrap role, never at launch: the instance has enrolled (ADR 0007). With
   * `interrupted` and `taken`, the only keys the app may write after launch (infra/lib/fleet-policy.ts).
   */
  enrolled: "mayfly:enrolled",
  /**
   * Written by the reaper when a job the policy denies took the instance's runner (the job's id): that
   * launch served none of its jobs and is not counted against their launch cap (src/aws/ec2-mark-taken.ts).
   */
  taken: "mayfly:taken",
  /** The jobs a launch was for (see job-tags.ts). */
  jobs: "mayfly:jobs",
  /** hot | stopped: launched as warm capacity; removed when the instance is claimed for a job (ADR 0014). */
  warm: "mayfly:warm",
  name: "Name",
} as const;
