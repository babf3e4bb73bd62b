import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { readBody, sendJson } from "../http.js";
import type { EmulatedInstance } from "./model.js";
import type { CapacityRule, Ec2Fault } from "./options.js";
import type { Ec2Stats } from "./stats.js";

/** What the control endpoints drive: the emulator's programmatic API. */
export interface ControlTarget {
  identityCertificatePem: string;
  instances(): EmulatedInstance[];
  instance(id: string): EmulatedInstance | undefined;
  powerOff(instanceId: string): void;
  interruptSpot(instanceId: string): void;
  injectFault(fault: Ec2Fault): void;
  setLatency(action: string, ms: number): void;
  setCapacity(rule: CapacityRule): void;
  setTagVisibilityDelay(ms: number): void;
  stats(): Ec2Stats;
}

const faultSchema = z.strictObject({
  action: z.string().min(1),
  code: z.string().min(1),
  status: z.number().int().min(400).max(599).optional(),
  count: z.number().int().min(1),
  message: z.string().optional(),
});

const capacitySchema = z.strictObject({
  instanceType: z.string().optional(),
  availabilityZone: z.string().optional(),
  market: z.enum(["spot", "on-demand"]).optional(),
  limit: z
    .number()
    .min(0)
    .nullable()
    .transform((n) => n ?? Number.POSITIVE_INFINITY),
});

const latencySchema = z.strictObject({ action: z.string().min(1), ms: z.number().min(0) });
const consistencySchema = z.strictObject({ tagVisibilityDelayMs: z.number().min(0).max(600_000) });

/**
 * JSON control endpoints under `/_emulator/` for other processes (the demo, benchmarks):
 * instances, power-off and spot interruption, faults, latency, capacity, tag consistency, stats, the
 * identity certificate.
 */
export async function handleControl(
  target: ControlTarget,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const instanceAction = /^\/_emulator\/instances\/([^/]+)\/(poweroff|interrupt)$/.exec(path);
  if (req.method === "GET" && path === "/_emulator/instances") return sendJson(res, 200, target.instances());
  if (req.method === "GET" && path === "/_emulator/stats") return sendJson(res, 200, target.stats());
  if (req.method === "GET" && path === "/_emulator/identity-certificate") {
    res.writeHead(200, { "content-type": "application/x-pem-file" });
    res.end(target.identityCertificatePem);
    return;
  }
  if (req.method !== "POST") return sendJson(res, 404, { error: "not found" });
  if (instanceAction) {
    const [, id = "", verb] = instanceAction;
    if (!target.instance(id)) return sendJson(res, 404, { error: `unknown instance ${id}` });
    if (verb === "poweroff") target.powerOff(id);
    else target.interruptSpot(id);
    return sendJson(res, 204, undefined);
  }
  const parsers = {
    "/_emulator/faults": (body: unknown) => target.injectFault(faultSchema.parse(body)),
    "/_emulator/capacity": (body: unknown) => target.setCapacity(capacitySchema.parse(body)),
    "/_emulator/latency": (body: unknown) => {
      const { action, ms } = latencySchema.parse(body);
      target.setLatency(action, ms);
    },
    "/_emulator/consistency": (body: unknown) =>
      target.setTagVisibilityDelay(consistencySchema.parse(body).tagVisibilityDelayMs),
  } as const;
  const apply = parsers[path as keyof typeof parsers];
  if (!apply) return sendJson(res, 404, { error: "not found" });
  try {
    apply(JSON.parse((await readBody(req)).toString("utf8")));
  } catch (error) {
    return sendJson(res, 400, {
      error: error instanceof z.ZodError ? z.prettifyError(error) : String(error),
    });
  }
  sendJson(res, 204, undefined);
}
