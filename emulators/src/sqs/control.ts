import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { readBody, sendJson } from "../http.js";
import type { FaultPlan } from "./faults.js";
import type { QueueRegistry } from "./registry.js";
import { snapshotOf } from "./snapshot.js";

/**
 * Control endpoints for other processes (the demo, the bench): `GET /_emulator/queues`,
 * `GET /_emulator/stats`, and `POST /_emulator/faults` with one of
 * `{action, code, status?, count?, message?}`, `{outage: boolean}` or `{latency: {action, ms}}`.
 */

const controlSchema = z.union([
  z.object({
    action: z.string().min(1),
    code: z.string().min(1),
    status: z.number().int().min(400).max(599).optional(),
    count: z.number().int().positive().optional(),
    message: z.string().optional(),
    scope: z.enum(["call", "entry"]).optional(),
  }),
  z.object({ outage: z.boolean() }),
  z.object({ latency: z.object({ action: z.string().min(1), ms: z.number().int().min(0).max(60_000) }) }),
]);

export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  deps: { registry: QueueRegistry; faults: FaultPlan },
): Promise<void> {
  const path = new URL(req.url ?? "/", "http://emulator").pathname;
  if (req.method === "GET" && path === "/_emulator/queues") {
    return sendJson(res, 200, { queues: deps.registry.list().map((r) => snapshotOf(r, deps.registry)) });
  }
  if (req.method === "GET" && path === "/_emulator/stats") return sendJson(res, 200, deps.faults.stats());
  if (req.method === "POST" && path === "/_emulator/faults") {
    let parsed: z.infer<typeof controlSchema>;
    try {
      parsed = controlSchema.parse(JSON.parse((await readBody(req, 64 * 1024)).toString("utf8")));
    } catch (error) {
      return sendJson(res, 400, {
        error: error instanceof z.ZodError ? z.prettifyError(error) : "body is not JSON",
      });
    }
    if ("outage" in parsed) deps.faults.setOutage(parsed.outage);
    else if ("latency" in parsed) deps.faults.setLatency(parsed.latency.action, parsed.latency.ms);
    else deps.faults.inject(parsed);
    return sendJson(res, 200, { ok: true });
  }
  sendJson(res, 404, { error: `no control endpoint ${req.method} ${path}` });
}
