import type { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "pino";
import type { Metrics } from "../metrics.js";
import type { InstallationCheck } from "./known-installations.js";
import type { WorkflowJobHandlers } from "./workflow-job.js";
import { type WorkflowJobEvent, workflowJobPayloadSchema } from "./workflow-job-event.js";

export interface WebhookRouteDeps {
  path: string;
  /** HMAC-SHA256 check of the body against the App's webhook secret (Probot's @octokit/webhooks). */
  verify(body: string, signature: string): Promise<boolean>;
  installations: { check(installationId: number, org: string): Promise<InstallationCheck> };
  handlers: WorkflowJobHandlers;
  log: Logger;
  metrics: Pick<Metrics, "webhooks">;
  now: () => number;
  timeoutMs?: number;
}

/**
 * The webhook intake. Verifies before anything else (a forged or unsigned delivery is a 401 and touches
 * nothing), then parses, once (a malformed one is a 400 naming the problem), then drops deliveries for
 * installations the App does not have (2xx, counted, nothing queued: ADR 0009), then calls the handler,
 * which resolves only once the work is durably queued. GitHub waits 10 s and never retries on its own, so
 * the answer is bounded: past `timeoutMs` it is a 503 and the delivery is recorded as failed, to be
 * redelivered.
 */
export function mountWebhookRoute(app: Hono, deps: WebhookRouteDeps): void {
  const timeoutMs = deps.timeoutMs ?? 8_000;
  app.post(
    deps.path,
    bodyLimit({ maxSize: 1024 * 1024, onError: (c) => c.json({ error: "payload exceeds 1 MiB" }, 413) }),
    async (c) => {
      const signature = c.req.header("x-hub-signature-256");
      const delivery = c.req.header("x-github-delivery");
      const event = c.req.header("x-github-event");
      const body = await c.req.text();
      if (!signature) return refuse(c, 401, "missing X-Hub-Signature-256: is the App's webhook secret set?");
      if (!(await deps.verify(body, signature).catch(() => false))) {
        return refuse(
          c,
          401,
          "signature does not match: check WEBHOOK_SECRET against the App's webhook secret",
        );
      }
      if (!delivery || !event) return refuse(c, 400, "missing X-GitHub-Delivery or X-GitHub-Event header");
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return refuse(c, 400, "body is not JSON");
      }
      if (event === "ping") return c.json({ ok: true, pong: true });
      if (event !== "workflow_job") return c.json({ ok: true, ignored: event }, 202);
      const parsed = workflowJobPayloadSchema.safeParse(json);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        return refuse(
          c,
          400,
          `malformed workflow_job payload: ${first?.path.join(".") || "(root)"} ${first?.message ?? ""}`.trim(),
        );
      }
      const { action, installation } = parsed.data;
      const org = parsed.data.organization?.login ?? parsed.data.repository.owner.login;
      const known = installation ? await deps.installations.check(installation.id, org) : "unknown";
      if (known !== "known") {
        const result = known === "unknown" ? "unknown-installation" : "unverified-installation";
        deps.metrics.webhooks.inc({ action, result });
        deps.log.warn(
          { delivery, installationId: installation?.id, org },
          `webhook ignored: ${known === "unknown" ? "not an installation of this App on that org" : "installation not verifiable now (look-up budget spent); GitHub records a failure and it is redelivered"}`,
        );
        return known === "unknown"
          ? c.json({ ok: true, ignored: "unknown installation" }, 202)
          : c.json({ error: "installation cannot be verified now; redeliver later" }, 503);
      }
      const received: WorkflowJobEvent = { id: delivery, receivedAt: deps.now(), payload: parsed.data };
      try {
        await withTimeout(dispatch(deps.handlers, received, deps.log), timeoutMs);
      } catch (error) {
        deps.metrics.webhooks.inc({ action, result: "error" });
        // Log only what failed, never the payload.
        const reasons = [`${(error as Error).name}: ${(error as Error).message}`];
        deps.log.error(
          { delivery, reasons },
          "webhook not queued; GitHub records a failed delivery and the reaper redelivers it",
        );
        return c.json({ error: "could not queue the event; it will be redelivered" }, 503);
      }
      return c.json({ ok: true });

      function refuse(ctx: typeof c, status: 400 | 401, message: string) {
        deps.metrics.webhooks.inc({ action: "unknown", result: status === 401 ? "forged" : "malformed" });
        deps.log.warn({ delivery, event, status }, `webhook refused: ${message}`);
        return ctx.json({ error: message }, status);
      }
    },
  );
}

function dispatch(handlers: WorkflowJobHandlers, event: WorkflowJobEvent, log: Logger): Promise<void> {
  switch (event.payload.action) {
    case "queued":
      return handlers.queued(event);
    case "in_progress":
      return handlers.inProgress(event);
    case "completed":
      return handlers.completed(event);
    default:
      log.debug(
        { jobId: event.payload.workflow_job.id },
        `workflow_job.${event.payload.action}: nothing to do`,
      );
      return Promise.resolve();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`handler took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
