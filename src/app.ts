import type { ApplicationFunction } from "probot";
import type { createWorkflowJobHandlers } from "./webhooks/workflow-job.js";
import { workflowJobPayloadSchema } from "./webhooks/workflow-job-event.js";

/**
 * The Probot app function: routes `workflow_job` events to the thin handlers. The HTTP intake
 * (src/webhooks/route.ts) has already verified and parsed the delivery; it is parsed again here so the
 * handlers never see an unchecked payload whatever calls `receive`.
 */
export function mayflyApp(
  handlers: ReturnType<typeof createWorkflowJobHandlers>,
  now: () => number = Date.now,
): ApplicationFunction {
  return (app) => {
    app.on("workflow_job", async (context) => {
      const payload = workflowJobPayloadSchema.parse(context.payload);
      const event = { id: context.id, receivedAt: now(), payload };
      switch (payload.action) {
        case "queued":
          return handlers.queued(event);
        case "in_progress":
          return handlers.inProgress(event);
        case "completed":
          return handlers.completed(event);
        default:
          context.log.debug(
            { jobId: payload.workflow_job.id },
            `workflow_job.${payload.action}: nothing to do`,
          );
      }
    });
  };
}
