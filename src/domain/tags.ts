/** Tag keys Mayfly writes on every instance and volume it launches: the durable state (ADR 0002). */
export const TAG = {
  managedBy: "mayfly:managed-by",
  pool: "mayfly:pool",
  org: "mayfly:org",
  launch: "mayfly:launch",
  /** Written at a spot interruption warning (ISO time): the breaker and the re-run read it (ADR 0015). */
  interrupted: "mayfly:interrupted",
  /** The jobs a launch was for (see job-tags.ts). */
  jobs: "mayfly:jobs",
  name: "Name",
} as const;
