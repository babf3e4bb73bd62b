import type { ServerResponse } from "node:http";
import { z } from "zod";
import { sendJson } from "../http.js";
import { ControlError } from "./control-error.js";
import type { RunnerBroker } from "./runner-broker.js";
import type { GitHubEmulator } from "./types.js";

/**
 * `/_emulator/` JSON endpoints for other processes (demo, bench, the simulated runner agent). Errors are
 * `{ message }` with 400/401/404/409/410.
 *   GET  /jobs · POST /jobs (enqueueJob body) → 201 · GET /jobs/{id} · POST /jobs/{id}/cancel
 *   GET  /orgs/{org}/runners · GET /deliveries · GET /stats
 *   POST /apps/{id}/webhook-url { url }
 *   POST /faults/drop-webhooks · /faults/duplicate-webhooks · /faults/latency { ms }
 *   POST /faults/fail-next { method?, path? | pathRegex?, status, count, body?, headers? }
 *   runner protocol: POST /runner/connect · GET /runner/{session}/poll?waitMs= ·
 *   POST /runner/{session}/jobs/{id}/start · POST /runner/{session}/jobs/{id}/complete (runner-client.ts)
 */

const enqueueSchema = z.object({
  org: z.string().min(1),
  repo: z.string().min(1),
  labels: z.array(z.string().min(1)).min(1),
  durationMs: z.number().int().nonnegative(),
  conclusion: z.enum(["success", "failure"]).optional(),
  fromFork: z.boolean().optional(),
  workflowName: z.string().optional(),
  jobName: z.string().optional(),
});
const dropSchema = z.object({
  count: z.number().int().optional(),
  probability: z.number().min(0).max(1).optional(),
  action: z.string().optional(),
  seed: z.number().int().optional(),
});
const duplicateSchema = dropSchema.pick({ count: true, probability: true });
const failSchema = z
  .object({
    method: z.string().optional(),
    path: z.string().optional(),
    pathRegex: z.string().optional(),
    status: z.number().int().min(100).max(599),
    count: z.number().int().positive(),
    body: z.unknown().optional(),
    headers: z.record(z.string(), z.string()).optional(),
  })
  .refine((r) => r.path !== undefined || r.pathRegex !== undefined, {
    message: "path or pathRegex is required",
  });

export type ControlApi = Pick<
  GitHubEmulator,
  | "enqueueJob"
  | "cancelJob"
  | "job"
  | "jobs"
  | "runners"
  | "deliveries"
  | "dropWebhooks"
  | "duplicateWebhooks"
  | "failNext"
  | "setLatency"
  | "stats"
  | "setWebhookUrl"
>;

export async function handleControl(
  api: ControlApi,
  broker: RunnerBroker,
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
  res: ServerResponse,
): Promise<number> {
  const parts = path.split("/").slice(2).map(decodeURIComponent);
  // Ids, org logins and session ids become "*" so each endpoint is one case below.
  const wildcard = (p: string, i: number) =>
    /^\d+$/.test(p) || (i === 1 && (parts[0] === "orgs" || (parts[0] === "runner" && p !== "connect")));
  const route = `${method} /${parts.map((p, i) => (wildcard(p, i) ? "*" : p)).join("/")}`;
  const id = (index: number) => Number(parts[index]);
  const ok = (status: number, payload?: unknown) => {
    sendJson(res, status, payload);
    return status;
  };
  switch (route) {
    case "GET /jobs":
      return ok(200, { jobs: api.jobs() });
    case "POST /jobs":
      return ok(201, api.enqueueJob(parse(enqueueSchema, body)));
    case "GET /jobs/*": {
      const job = api.job(id(1));
      if (!job) throw new ControlError(404, `unknown job ${parts[1]}`);
      return ok(200, job);
    }
    case "POST /jobs/*/cancel":
      api.cancelJob(id(1));
      return ok(200, api.job(id(1)));
    case "GET /orgs/*/runners":
      return ok(200, { runners: api.runners(parts[1] ?? "") });
    case "GET /deliveries":
      return ok(200, { deliveries: api.deliveries() });
    case "GET /stats":
      return ok(200, api.stats());
    case "POST /faults/drop-webhooks":
      api.dropWebhooks(parse(dropSchema, body));
      return ok(204);
    case "POST /faults/duplicate-webhooks":
      api.duplicateWebhooks(parse(duplicateSchema, body));
      return ok(204);
    case "POST /faults/fail-next": {
      const { path: exact, pathRegex, ...rest } = parse(failSchema, body);
      api.failNext({ ...rest, path: pathRegex === undefined ? (exact ?? "") : new RegExp(pathRegex) });
      return ok(204);
    }
    case "POST /apps/*/webhook-url":
      api.setWebhookUrl(id(1), parse(z.object({ url: z.url() }), body).url);
      return ok(204);
    case "POST /faults/latency":
      api.setLatency(parse(z.object({ ms: z.number().nonnegative() }), body).ms);
      return ok(204);
    case "POST /runner/connect": {
      const { encoded_jit_config: encoded } = parse(z.object({ encoded_jit_config: z.unknown() }), body);
      return ok(200, broker.connect(encoded));
    }
    case "GET /runner/*/poll": {
      const waitMs = Math.min(60_000, Math.max(0, Number(query.get("waitMs") ?? 0) || 0));
      const answer = await broker.poll(parts[1] ?? "", waitMs);
      if (answer.kind === "job") return ok(200, { job: answer.job });
      if (answer.kind === "cancel") return ok(200, { cancel: answer.jobId });
      if (answer.kind === "removed") return ok(410, { message: "the runner has been removed" });
      return ok(204);
    }
    case "POST /runner/*/jobs/*/start":
      broker.start(parts[1] ?? "", id(3));
      return ok(200, { ok: true });
    case "POST /runner/*/jobs/*/complete": {
      const { conclusion } = parse(z.object({ conclusion: z.unknown() }), body);
      broker.complete(parts[1] ?? "", id(3), conclusion);
      return ok(200, { ok: true });
    }
    default:
      throw new ControlError(404, `no emulator endpoint ${method} ${path}`);
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new ControlError(
      400,
      result.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "),
    );
  }
  return result.data;
}
