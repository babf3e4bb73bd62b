import autocannon from "autocannon";

/**
 * Entry of the flood generator (bench/scenarios/flood.ts), a process of its own: garbage enrolments at a
 * fixed rate from one client behind one trusted proxy hop (the balancer appends 6.6.6.6), each with a
 * different forged left-most X-Forwarded-For entry.
 */
export interface FloodSpec {
  url: string;
  ratePerSecond: number;
  seconds: number;
}

export interface FloodResult {
  sent: number;
  perSecond: number;
  statusCodes: Record<string, number>;
  errors: number;
}

const GARBAGE = JSON.stringify({ token: "eyJnot.a.token", identity: { document: "{}", signature: "AAAA" } });

async function run(spec: FloodSpec): Promise<FloodResult> {
  let n = 0;
  // overallRate (autocannon's fixed total request rate) is missing from @types/autocannon.
  const result = await autocannon({
    url: spec.url,
    connections: 20,
    ...({ overallRate: spec.ratePerSecond } as object),
    duration: spec.seconds,
    timeout: 10,
    requests: [
      {
        method: "POST",
        setupRequest: (request: object) => {
          n += 1;
          return {
            ...request,
            headers: {
              "content-type": "application/json",
              "x-forwarded-for": `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}, 6.6.6.6`,
            },
            body: GARBAGE,
          };
        },
      },
    ],
  });
  return {
    sent: result.requests.total,
    perSecond: result.requests.total / result.duration,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([c, s]) => [c, s.count])),
    errors: result.errors + result.timeouts,
  };
}

process.once("message", (spec: FloodSpec) => {
  run(spec).then(
    (result) => process.send?.({ type: "result", result }, () => process.exit(0)),
    (error: unknown) => process.send?.({ type: "error", error: String(error) }, () => process.exit(1)),
  );
});
process.on("disconnect", () => process.exit(1));
