/** Tag keys Mayfly writes on every instance and volume it launches: the durable state (ADR 0002). */
export const TAG = {
  managedBy: "mayfly:managed-by",
  pool: "mayfly:pool",
  org: "mayfly:org",
  launch: "mayfly:launch",
  /**
   * Written by the bootstrap role, never at launch: the instance has enrolled (ADR 0007). The only key
   * the app may write after launch (infra/lib/fleet-policy.ts).
   */
  enrolled: "mayfly:enrolled",
  /** The jobs a launch was for (see job-tags.ts). */
  jobs: "mayfly:jobs",
  /** hot | stopped: launched as warm capacity; removed when the instance is claimed for a job (ADR 0014). */
  warm: "mayfly:warm",
  name: "Name",
} as const;
