import type { Sandbox } from "../../sandbox/sandbox.js";
import { waitUntil } from "./wait-until.js";

export type WorkflowJobPayload = { workflow_job: Record<string, unknown> } & Record<string, unknown>;

/**
 * One real `queued` workflow_job payload, as the GitHub emulator sends it: the App's webhook points at a
 * closed port for a moment, and the failed delivery keeps the payload. Call before the app starts (it
 * points the webhook at itself). The job stays queued; no runner will take it.
 */
export async function captureQueuedPayload(sandbox: Sandbox): Promise<WorkflowJobPayload> {
  sandbox.github.setWebhookUrl(sandbox.app.id, "http://127.0.0.1:9/closed");
  sandbox.github.enqueueJob({
    org: "acme",
    repo: "api",
    labels: ["self-hosted", "linux", "x64", "mayfly-small"],
    durationMs: 1_000,
  });
  const delivery = await waitUntil("the emulator's queued delivery", () => sandbox.github.deliveries()[0], {
    timeoutMs: 10_000,
  });
  return delivery.payload as WorkflowJobPayload;
}
