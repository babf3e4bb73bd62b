import { repository, simpleOrg } from "./account-shapes.js";
import { jobShape, senderShape } from "./actions-shapes.js";
import { nodeId } from "./ids.js";
import type { JobRecord } from "./records.js";
import type { WebhookSender } from "./webhook-sender.js";
import type { World } from "./world.js";

/**
 * `workflow_job` events go to every app installed on the job's org that subscribes to them, shaped like
 * @octokit/openapi-webhooks-types `webhook-workflow-job-{queued,in-progress,completed}`. The runner
 * fields are null while queued and for jobs cancelled before a runner took them.
 */
export function sendJobWebhook(
  world: World,
  webhooks: WebhookSender,
  apiBase: string,
  job: JobRecord,
  action: "queued" | "in_progress" | "completed",
): void {
  const org = job.repoRecord.org;
  for (const installation of world.installations.values()) {
    if (installation.org !== org || !installation.app.events.includes("workflow_job")) continue;
    webhooks.send({
      app: installation.app,
      event: "workflow_job",
      action,
      installationId: installation.id,
      repositoryId: job.repoRecord.id,
      payload: {
        action,
        workflow_job: jobShape(apiBase, job),
        repository: repository(apiBase, job.repoRecord),
        organization: simpleOrg(apiBase, org),
        installation: { id: installation.id, node_id: nodeId("Installation", installation.id) },
        sender: job.fromFork
          ? senderShape(apiBase, `${job.repoRecord.name}-contributor`, job.repoRecord.id + 9_000_000)
          : senderShape(apiBase, "octocat", 583_231),
      },
    });
  }
}
