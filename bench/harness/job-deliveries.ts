import { createHmac, randomUUID } from "node:crypto";
import type { WorkflowJobPayload as Payload } from "./capture-payload.js";

/**
 * Signed `workflow_job` deliveries for load: variants of one payload the GitHub emulator really sent, for
 * distinct jobs, so neither SQS deduplication nor the app's caches make the load trivial. In the intake
 * load each job gets its three webhooks (queued, in_progress, completed), in that order.
 */
export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

export const ACTIONS = ["queued", "in_progress", "completed"] as const;

/** Delivery i of the load: job `firstJobId + ⌊i/3⌋`, action i mod 3. */
export function signedDelivery(
  template: Payload,
  secret: string,
  firstJobId: number,
  i: number,
): SignedRequest {
  const action = ACTIONS[i % ACTIONS.length]!;
  const jobId = firstJobId + Math.floor(i / ACTIONS.length);
  return sign(jobEvent(template, action, jobId), secret);
}

/** A delivery of `payload` with GitHub's headers and its HMAC-SHA256 signature under `secret`. */
export function sign(payload: Payload, secret: string): SignedRequest {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/bench",
      "x-github-event": "workflow_job",
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    },
  };
}

/**
 * The template with this job id and action; runner fields set once a runner has the job (by default a
 * runner named after a made-up instance id derived from the job id).
 */
export function jobEvent(
  template: Payload,
  action: (typeof ACTIONS)[number],
  jobId: number,
  runnerName = `mayfly-i-${jobId.toString(16).padStart(17, "0")}`,
): Payload {
  const onRunner = action !== "queued";
  return {
    ...template,
    action,
    workflow_job: {
      ...template.workflow_job,
      id: jobId,
      run_id: jobId,
      status: action,
      conclusion: action === "completed" ? "success" : null,
      runner_id: onRunner ? jobId : null,
      runner_name: onRunner ? runnerName : null,
      runner_group_id: onRunner ? 1 : null,
      runner_group_name: onRunner ? "Default" : null,
    },
  };
}
