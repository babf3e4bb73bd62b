import { z } from "zod";
import { ec2EventSchema } from "./ec2-event.js";

/**
 * Bodies of the messages between the webhooks and the workers. Parsed on receipt (STYLE.md principle 6);
 * a body that does not parse is dead-lettered, never retried.
 */

/** A queued job that needs a runner: webhooks → scaler. */
export const scaleMessageSchema = z.object({
  kind: z.literal("scale"),
  jobId: z.number().int().positive(),
  runId: z.number().int().positive(),
  runAttempt: z.number().int().positive().default(1),
  org: z.string().min(1),
  repo: z.string().regex(/^[^/]+\/[^/]+$/),
  installationId: z.number().int().positive(),
  pool: z.string().min(1),
  labels: z.array(z.string()).min(1),
  /** The job's `created_at` (epoch ms): queue time is measured from it. */
  jobCreatedAt: z.number().int().nonnegative(),
  /** When the webhook arrived here (epoch ms): control-plane latency is measured from it. */
  receivedAt: z.number().int().nonnegative(),
  deliveryId: z.string().min(1),
  /**
   * The repository is public and the pool sets no allowForks: the scaler asks whether the run comes from
   * a fork before it does anything else, and denies it then (issue 15: the look-up, batched per
   * repository, no longer holds the webhook's answer).
   */
  forkCheck: z.boolean().optional(),
});
export type ScaleMessage = z.infer<typeof scaleMessageSchema>;

/** A job finished on one of our runners: webhooks → reaper. */
export const reapMessageSchema = z.object({
  kind: z.literal("reap"),
  /** `completed`: the job ended; `policy-violation`: a denied job started on this runner (terminate first). */
  cause: z.enum(["completed", "policy-violation"]).default("completed"),
  org: z.string().min(1),
  installationId: z.number().int().positive(),
  runnerName: z.string().min(1),
  runnerId: z.number().int().positive().nullable(),
  jobId: z.number().int().positive(),
  conclusion: z.string().nullable(),
  /** The job's repository and attempt: an interrupted job is re-run from them (ADR 0015). */
  repo: z
    .string()
    .regex(/^[^/]+\/[^/]+$/)
    .optional(),
  runAttempt: z.number().int().positive().optional(),
  receivedAt: z.number().int().nonnegative(),
  deliveryId: z.string().min(1),
});
export type ReapMessage = z.infer<typeof reapMessageSchema>;

/** The reap queue carries the app's reap messages and EC2's events from EventBridge (ADR 0015). */
export const reapQueueBodySchema = z.union([reapMessageSchema, ec2EventSchema]);
export type ReapQueueBody = z.infer<typeof reapQueueBodySchema>;

/** FIFO group per job so launches run in parallel; dedup on the job so duplicate deliveries collapse. */
export function scaleEnvelope(message: ScaleMessage) {
  return {
    body: JSON.stringify(message),
    groupId: `job-${message.jobId}`,
    dedupId: `scale-${message.jobId}`,
  };
}

export function reapEnvelope(message: z.input<typeof reapMessageSchema>) {
  return {
    body: JSON.stringify(message),
    groupId: `runner-${message.runnerName}`,
    dedupId: `reap-${message.runnerName}-${message.jobId}-${message.cause ?? "completed"}`,
  };
}
