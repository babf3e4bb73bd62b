import autocannon from "autocannon";
import type { WorkflowJobPayload } from "../harness/capture-payload.js";
import { signedDelivery } from "../harness/job-deliveries.js";

/**
 * Entry of the intake load generator, a process of its own so it does not share a core's event loop with
 * the app or the emulators. Gets its job over IPC, signs every delivery before the clock starts, warms the
 * app up, then runs autocannon and sends back the measured run's figures.
 */
export interface LoadSpec {
  url: string;
  secret: string;
  template: WorkflowJobPayload;
  firstJobId: number;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** Signed deliveries to prepare; must exceed what the app can take in warm-up plus the run. */
  deliveries: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  wrappedAround: boolean;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const prepared = Array.from({ length: spec.deliveries }, (_, i) =>
    signedDelivery(spec.template, spec.secret, spec.firstJobId, i),
  );
  let next = 0;
  const requests = [
    {
      method: "POST",
      setupRequest: (request: object) => ({ ...request, ...prepared[next++ % prepared.length] }),
    },
  ];
  const base = { url: spec.url, connections: spec.connections, timeout: 10, requests };
  await autocannon({ ...base, duration: spec.warmupSeconds });
  const result = await autocannon({ ...base, duration: spec.seconds });
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]),
  );
  return {
    requestsPerSecond: result["2xx"] / result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    sent: result.requests.total,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    wrappedAround: next > prepared.length,
  };
}

process.once("message", (spec: LoadSpec) => {
  run(spec).then(
    (result) => process.send?.({ type: "result", result }, () => process.exit(0)),
    (error: unknown) => process.send?.({ type: "error", error: String(error) }, () => process.exit(1)),
  );
});
process.on("disconnect", () => process.exit(1));
