import { z } from "zod";

/**
 * The parts of a `workflow_job` webhook Mayfly relies on, checked at the boundary so a malformed payload
 * gets a 400 naming the field instead of a crash deep in a handler. Unknown fields pass through.
 * Shapes: @octokit/openapi-webhooks-types `webhook-workflow-job-*`; runner fields are null while queued and
 * may be null or 0 on `completed` for a job cancelled before it got a runner (reference/limits-and-identity.md §4.2).
 */
export const workflowJobPayloadSchema = z.looseObject({
  action: z.enum(["queued", "waiting", "in_progress", "completed"]),
  workflow_job: z.looseObject({
    id: z.number().int().positive(),
    run_id: z.number().int().positive(),
    run_attempt: z.number().int().positive().optional(),
    labels: z.array(z.string()),
    status: z.string(),
    conclusion: z.string().nullable().optional(),
    created_at: z.string(),
    started_at: z.string(),
    completed_at: z.string().nullable().optional(),
    name: z.string(),
    workflow_name: z.string().nullable().optional(),
    html_url: z.string().nullable().optional(),
    runner_id: z.number().nullable().optional(),
    runner_name: z.string().nullable().optional(),
    runner_group_id: z.number().nullable().optional(),
    runner_group_name: z.string().nullable().optional(),
  }),
  repository: z.looseObject({
    id: z.number(),
    full_name: z.string().regex(/^[^/]+\/[^/]+$/),
    private: z.boolean(),
    visibility: z.enum(["public", "private", "internal"]).optional(),
    owner: z.looseObject({ login: z.string() }),
  }),
  organization: z.looseObject({ login: z.string() }).optional(),
  installation: z.looseObject({ id: z.number().int().positive() }).optional(),
});
export type WorkflowJobPayload = z.infer<typeof workflowJobPayloadSchema>;

export interface WorkflowJobEvent {
  /** X-GitHub-Delivery. */
  id: string;
  receivedAt: number;
  payload: WorkflowJobPayload;
}
