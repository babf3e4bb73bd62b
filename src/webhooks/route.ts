import type { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "pino";
import type { Probot } from "probot";
import type { Metrics } from "../metrics.js";
import { workflowJobPayloadSchema } from "./workflow-job-event.js";

/**
 * The webhook intake. Verifies before anything else (a forged or unsigned delivery is a 401 and touches
 * nothing), then parses (a malformed one is a 400 naming the problem), then hands the event to the Probot
 * app, whose handlers resolve only once the work is durably queued. GitHub waits 10 s and never retries
 * on its own, so the answer is bounded: past `timeoutMs` it is a 503 and the delivery is recorded as
 * failed, to be redelivered.
 */
export function mountWebhookRoute(
  app: Hono,
  deps: { path: string; probot: Probot; log: Logger; metrics: Metrics; timeoutMs?: number },
): void {
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
      if (!(await verify(deps.probot, body, signature))) {
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
      try {
        await withTimeout(
          deps.probot.receive({ id: delivery, name: "workflow_job", payload: parsed.data } as never),
          timeoutMs,
        );
      } catch (error) {
        deps.metrics.webhooks.inc({ action: parsed.data.action, result: "error" });
        // The error carries the whole payload (@octokit/webhooks attaches the event): log only what failed.
        const causes = error instanceof AggregateError ? error.errors : [error];
        const reasons = causes.map((e) => `${(e as Error).name}: ${(e as Error).message}`);
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

async function verify(probot: Probot, body: string, signature: string): Promise<boolean> {
  try {
    return await probot.webhooks.verify(body, signature);
  } catch {
    return false;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`handler took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
