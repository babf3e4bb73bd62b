import { CreateFleetCommand, type EC2Client } from "@aws-sdk/client-ec2";
import pino from "pino";
import { createEmulatorClient } from "../../emulators/src/ec2/client.js";
import { type Ec2Emulator, startEc2Emulator } from "../../emulators/src/ec2/emulator.js";
import { SANDBOX_POOLS_YAML } from "../../sandbox/sandbox-pools.js";
import { createEc2Fleet } from "../../src/aws/ec2-fleet.js";
import { EventLog } from "../../src/events/event-log.js";
import { createMetrics } from "../../src/metrics.js";
import { type Pool, parsePoolFile } from "../../src/pool-file.js";
import { TokenBucket } from "../../src/rate/token-bucket.js";
import { createReport } from "../../src/report/report.js";
import { createLauncher } from "../../src/scaler/launcher.js";
import type { FigureSpec } from "../harness/figure.js";
import { percentile } from "../harness/percentile.js";
import type { Scenario } from "../harness/scenario.js";

/**
 * Spot launches under scarce capacity (issue 14, "Capacity-diverse spot"; ADR 0016): the sandbox's `small`
 * pool (spot-then-on-demand, t3.medium then t3a.medium, two subnets in two zones) against an EC2 emulator
 * whose spot capacity is short: none of the first choice (t3.medium) in us-east-1a, 2 in us-east-1b, 6
 * t3a.medium per zone. 24 jobs in 6 waves of 4; each wave waits for its launches, nothing terminates, so
 * capacity runs out as a burst would drain it. Measured twice: the app's launcher (RunInstances down the
 * ordered fallbacks) and, for comparison, one CreateFleet `instant` per wave with price-capacity-optimized
 * over the same types × subnets and an on-demand CreateFleet for the shortfall. Every EC2 call costs the
 * bench's RunInstances latency.
 */
const WAVES = 6;
const PER_WAVE = 4;
const SUBNETS = { "subnet-0a1b2c3d4e5f60001": "us-east-1a", "subnet-0a1b2c3d4e5f60002": "us-east-1b" };
const CAPACITY = [
  { instanceType: "t3.medium", availabilityZone: "us-east-1a", market: "spot" as const, limit: 0 },
  { instanceType: "t3.medium", availabilityZone: "us-east-1b", market: "spot" as const, limit: 2 },
  { instanceType: "t3a.medium", availabilityZone: "us-east-1a", market: "spot" as const, limit: 6 },
  { instanceType: "t3a.medium", availabilityZone: "us-east-1b", market: "spot" as const, limit: 6 },
];

const FIGURES: FigureSpec[] = [
  { id: "riCallsPerJob", label: "RunInstances launcher: EC2 launch calls per job", unit: "per-job" },
  { id: "riFirstChoicePct", label: "RunInstances launcher: jobs on the first choice (%)", unit: "count" },
  { id: "riSpotPct", label: "RunInstances launcher: jobs on spot (%)", unit: "count" },
  { id: "riP50Ms", label: "RunInstances launcher: request → launched p50", unit: "ms" },
  { id: "riFallbackP50Ms", label: "RunInstances launcher: request → launched p50, fallbacks", unit: "ms" },
  { id: "riMaxMs", label: "RunInstances launcher: request → launched max", unit: "ms" },
  { id: "cfCallsPerJob", label: "CreateFleet (pco): EC2 launch calls per job", unit: "per-job" },
  { id: "cfSpotPct", label: "CreateFleet (pco): jobs on spot (%)", unit: "count" },
  { id: "cfMaxMs", label: "CreateFleet (pco): wave → launched max", unit: "ms" },
];

export const spotLaunch: Scenario = {
  name: "spot-launch",
  title: `spot launches under scarce capacity: RunInstances fallbacks vs CreateFleet (${WAVES}×${PER_WAVE} jobs)`,
  figures: FIGURES,
  runs: (options) => options.runs,
  runTimeoutMs: () => 120_000,
  async run(context) {
    const latency = context.options.latency.runInstancesMs;
    const pool = smallPool();
    const ri = await withEmulator(latency, (ec2, client) => viaLauncher(ec2, client, pool));
    const cf = await withEmulator(latency, (ec2, client) => viaCreateFleet(ec2, client, pool));
    const jobs = WAVES * PER_WAVE;
    const fallbacks = ri.times.filter((t) => !t.first).map((t) => t.ms);
    return {
      values: {
        riCallsPerJob: ri.calls / jobs,
        riFirstChoicePct: (100 * ri.times.filter((t) => t.first).length) / jobs,
        riSpotPct: (100 * ri.spot) / jobs,
        riP50Ms: percentile(
          ri.times.map((t) => t.ms),
          50,
        ),
        riFallbackP50Ms: fallbacks.length > 0 ? percentile(fallbacks, 50) : undefined,
        riMaxMs: Math.max(...ri.times.map((t) => t.ms)),
        cfCallsPerJob: cf.calls / jobs,
        cfSpotPct: (100 * cf.spot) / jobs,
        cfMaxMs: Math.max(...cf.waveMs),
      },
      details: { capacity: CAPACITY, latencyMs: latency, runInstances: ri, createFleet: cf },
    };
  },
};

function smallPool(): Pool {
  const pool = parsePoolFile(SANDBOX_POOLS_YAML, "sandbox").file?.pools.find((p) => p.name === "small");
  if (!pool) throw new Error("the sandbox pool file has no pool `small`");
  return pool;
}

async function withEmulator<T>(latencyMs: number, body: (ec2: Ec2Emulator, client: EC2Client) => Promise<T>) {
  const ec2 = await startEc2Emulator({
    bootDelayMs: 50,
    // The launcher paces itself with its own copy of EC2's RunInstances bucket (5, 2/s); the figures
    // count calls, so the emulator's bucket is off (with it on, a fallback walk was throttled: see ADR 0016).
    throttling: false,
    subnets: SUBNETS,
    capacity: CAPACITY,
    latencyMs: { RunInstances: latencyMs, CreateFleet: latencyMs },
    spotPrices: { "t3.medium": 0.0125, "t3a.medium": 0.0113 },
    launchTemplates: [{ name: "mayfly-small", data: { imageId: "ami-0123456789abcdef0" } }],
  });
  const client = createEmulatorClient(ec2, { maxAttempts: 1 });
  try {
    return await body(ec2, client);
  } finally {
    client.destroy();
    await ec2.stop();
  }
}

const launchCalls = (ec2: Ec2Emulator) =>
  (ec2.stats().calls.RunInstances ?? 0) + (ec2.stats().calls.CreateFleet ?? 0);

/** The app's launcher over the real EC2 fleet adapter: the first choice is the first of launchAttempts. */
async function viaLauncher(ec2: Ec2Emulator, client: EC2Client, pool: Pool) {
  const events = new EventLog({ now: Date.now });
  const metrics = createMetrics();
  const launcher = createLauncher({
    fleet: createEc2Fleet({ client, deploymentId: "bench" }),
    tokens: { issue: async (claims) => `token-${claims.launch}` },
    requestBucket: new TokenBucket({ capacity: 5, refillPerSecond: 2, now: Date.now }),
    publicUrl: "https://mayfly.example.com",
    deploymentId: "bench",
    // As deployed (MAYFLY_LAUNCH_BATCH_WINDOW's sandbox value): a wave's 4 jobs share a RunInstances.
    batchWindowMs: 20,
    metrics,
    report: createReport({ events, metrics, log: pino({ level: "silent" }) }),
    log: pino({ level: "silent" }),
  });
  const times: { ms: number; first: boolean }[] = [];
  let spot = 0;
  let jobId = 0;
  for (let wave = 0; wave < WAVES; wave++) {
    await Promise.all(
      Array.from({ length: PER_WAVE }, async () => {
        const id = ++jobId;
        const started = Date.now();
        const result = await launcher.request(pool, message(id));
        if (!result.ok) throw result.error;
        const instance = ec2.instance(result.instance.instanceId);
        if (instance?.market === "spot") spot++;
        const first = instance?.market === "spot" && instance.instanceType === pool.instanceTypes[0];
        times.push({ ms: Date.now() - started, first });
      }),
    );
  }
  return { calls: launchCalls(ec2), spot, times };
}

/** One CreateFleet instant per wave (spot, price-capacity-optimized), then one on-demand for the shortfall. */
async function viaCreateFleet(ec2: Ec2Emulator, client: EC2Client, pool: Pool) {
  const overrides = pool.instanceTypes.flatMap((type) =>
    pool.subnets.map((subnet) => ({ InstanceType: type, SubnetId: subnet })),
  ) as { InstanceType: "t3.medium"; SubnetId: string }[];
  const fleet = (market: "spot" | "on-demand", count: number) =>
    client.send(
      new CreateFleetCommand({
        Type: "instant",
        LaunchTemplateConfigs: [
          {
            LaunchTemplateSpecification: { LaunchTemplateName: "mayfly-small", Version: "$Latest" },
            Overrides: overrides,
          },
        ],
        TargetCapacitySpecification: {
          TotalTargetCapacity: count,
          DefaultTargetCapacityType: market,
          ...(market === "spot" ? { SpotTargetCapacity: count } : { OnDemandTargetCapacity: count }),
        },
        SpotOptions: { AllocationStrategy: "price-capacity-optimized" },
      }),
    );
  const waveMs: number[] = [];
  let spot = 0;
  for (let wave = 0; wave < WAVES; wave++) {
    const started = Date.now();
    const out = await fleet("spot", PER_WAVE);
    const got = (out.Instances ?? []).reduce((n, i) => n + (i.InstanceIds?.length ?? 0), 0);
    spot += got;
    if (got < PER_WAVE) await fleet("on-demand", PER_WAVE - got);
    waveMs.push(Date.now() - started);
  }
  return { calls: launchCalls(ec2), spot, waveMs };
}

function message(jobId: number) {
  return {
    kind: "scale" as const,
    jobId,
    runId: jobId,
    runAttempt: 1,
    org: "acme",
    repo: "acme/api",
    installationId: 1,
    pool: "small",
    labels: ["mayfly-small"],
    jobCreatedAt: Date.now(),
    receivedAt: Date.now(),
    deliveryId: `bench-${jobId}`,
  };
}
