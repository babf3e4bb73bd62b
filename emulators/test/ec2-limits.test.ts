import {
  DescribeInstancesCommand,
  type EC2Client,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it } from "vitest";
import { createEmulatorClient } from "../src/ec2/client.js";
import { type Ec2Emulator, type Ec2EmulatorOptions, startEc2Emulator } from "../src/ec2/emulator.js";

const SUBNET_A = "subnet-0aaaaaaaaaaaaaaa1";
const SUBNET_B = "subnet-0bbbbbbbbbbbbbbb2";
let emulator: Ec2Emulator | undefined;
let ec2: EC2Client | undefined;
let clock = Date.parse("2026-11-25T12:00:00Z");

async function start(options: Ec2EmulatorOptions = {}): Promise<{ emulator: Ec2Emulator; ec2: EC2Client }> {
  emulator = await startEc2Emulator({
    bootDelayMs: 20,
    shutdownDelayMs: 20,
    subnets: { [SUBNET_A]: "us-east-1a", [SUBNET_B]: "us-east-1b" },
    now: () => clock,
    ...options,
  });
  ec2 = createEmulatorClient(emulator, { maxAttempts: 1 });
  return { emulator, ec2 };
}

afterEach(async () => {
  ec2?.destroy();
  await emulator?.stop();
  emulator = undefined;
  ec2 = undefined;
});

const run = (client: EC2Client, overrides: Partial<RunInstancesCommandInput> = {}) =>
  client.send(
    new RunInstancesCommand({
      ImageId: "ami-0123456789abcdef0",
      InstanceType: "m7i.large",
      MinCount: 1,
      MaxCount: 1,
      SubnetId: SUBNET_A,
      ...overrides,
    }),
  );

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return `${e.name} ${e.$metadata?.httpStatusCode}`;
  }
}

const spot = { InstanceMarketOptions: { MarketType: "spot" as const } };

describe("capacity", () => {
  it("launches as many as capacity allows between MinCount and MaxCount, else nothing", async () => {
    const { emulator, ec2 } = await start({
      throttling: false,
      capacity: [{ instanceType: "m7i.large", limit: 3 }],
    });
    const partial = await run(ec2, { MinCount: 2, MaxCount: 5 });
    expect(partial.Instances).toHaveLength(3);
    expect(await outcome(run(ec2, { MinCount: 1, MaxCount: 1 }))).toBe("InsufficientInstanceCapacity 500");
    expect(emulator.instances()).toHaveLength(3);
  });

  it("refuses a launch that cannot reach MinCount and launches nothing", async () => {
    const { emulator, ec2 } = await start({
      throttling: false,
      capacity: [{ instanceType: "m7i.large", limit: 3 }],
    });
    expect(await outcome(run(ec2, { MinCount: 4, MaxCount: 6 }))).toBe("InsufficientInstanceCapacity 500");
    expect(emulator.instances()).toEqual([]);
  });

  it("keeps spot and on-demand pools, and zones, apart", async () => {
    const { ec2 } = await start({
      throttling: false,
      capacity: [{ instanceType: "m7i.large", availabilityZone: "us-east-1a", market: "spot", limit: 0 }],
    });
    expect(await outcome(run(ec2, spot))).toBe("InsufficientInstanceCapacity 500");
    expect(await outcome(run(ec2))).toBe("ok");
    expect(await outcome(run(ec2, { ...spot, SubnetId: SUBNET_B }))).toBe("ok");
  });

  it("is settable at run time and freed by terminated instances", async () => {
    const { emulator, ec2 } = await start({ throttling: false, shutdownDelayMs: 0 });
    const first = await run(ec2);
    emulator.setCapacity({ instanceType: "m7i.large", limit: 1 });
    expect(await outcome(run(ec2))).toBe("InsufficientInstanceCapacity 500");
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [first.Instances?.[0]?.InstanceId ?? ""] }));
    expect(await outcome(run(ec2))).toBe("ok");
    emulator.setCapacity({ instanceType: "m7i.large", limit: Number.POSITIVE_INFINITY });
    expect(await outcome(run(ec2, { MaxCount: 10, MinCount: 10 }))).toBe("ok");
  });
});

describe("throttling (token buckets as AWS documents them)", () => {
  it("allows a burst of 5 RunInstances, refuses the 6th with RequestLimitExceeded (503), refills at 2/s", async () => {
    const { emulator, ec2 } = await start();
    const results: string[] = [];
    for (let i = 0; i < 6; i++) results.push(await outcome(run(ec2)));
    expect(results).toEqual(["ok", "ok", "ok", "ok", "ok", "RequestLimitExceeded 503"]);
    clock += 400;
    expect(await outcome(run(ec2))).toBe("RequestLimitExceeded 503");
    clock += 600;
    expect(await outcome(run(ec2))).toBe("ok");
    expect(emulator.stats()).toMatchObject({ calls: { RunInstances: 8 }, throttled: { RunInstances: 2 } });
  });

  it("charges the instance bucket per instance launched", async () => {
    const { emulator, ec2 } = await start({
      throttling: { runInstancesResource: { capacity: 10, refillPerSecond: 2 } },
    });
    expect(await outcome(run(ec2, { MaxCount: 8, MinCount: 8 }))).toBe("ok");
    expect(await outcome(run(ec2, { MaxCount: 3, MinCount: 3 }))).toBe("RequestLimitExceeded 503");
    expect(emulator.instances()).toHaveLength(8);
    clock += 500;
    expect(await outcome(run(ec2, { MaxCount: 3, MinCount: 3 }))).toBe("ok");
  });

  it("gives unfiltered, unpaginated DescribeInstances the smaller bucket", async () => {
    const { ec2 } = await start({
      throttling: {
        describe: { capacity: 3, refillPerSecond: 1 },
        describeUnfiltered: { capacity: 1, refillPerSecond: 1 },
      },
    });
    const unfiltered = () => outcome(ec2.send(new DescribeInstancesCommand({})));
    const filtered = () =>
      outcome(
        ec2.send(
          new DescribeInstancesCommand({ Filters: [{ Name: "instance-state-name", Values: ["running"] }] }),
        ),
      );
    expect([await unfiltered(), await unfiltered()]).toEqual(["ok", "RequestLimitExceeded 503"]);
    expect([await filtered(), await filtered(), await filtered(), await filtered()]).toEqual([
      "ok",
      "ok",
      "ok",
      "RequestLimitExceeded 503",
    ]);
  });

  it("can be turned off, and reconfigured at run time", async () => {
    const { emulator, ec2 } = await start({ throttling: false });
    for (let i = 0; i < 8; i++) expect(await outcome(run(ec2))).toBe("ok");
    emulator.setThrottling({ runInstances: { capacity: 1, refillPerSecond: 0 } });
    expect([await outcome(run(ec2)), await outcome(run(ec2))]).toEqual(["ok", "RequestLimitExceeded 503"]);
  });
});

describe("fault injection and latency", () => {
  it.each([
    ["InsufficientInstanceCapacity", undefined, "InsufficientInstanceCapacity 500"],
    ["InternalError", undefined, "InternalError 500"],
    ["Unavailable", undefined, "Unavailable 503"],
    ["RequestLimitExceeded", undefined, "RequestLimitExceeded 503"],
    ["UnauthorizedOperation", 403, "UnauthorizedOperation 403"],
  ])("fails the next calls with %s", async (code, status, expected) => {
    const { emulator, ec2 } = await start({ throttling: false });
    emulator.injectFault({ action: "RunInstances", code, count: 2, ...(status ? { status } : {}) });
    expect([await outcome(run(ec2)), await outcome(run(ec2)), await outcome(run(ec2))]).toEqual([
      expected,
      expected,
      "ok",
    ]);
    expect(emulator.instances()).toHaveLength(1);
    expect(emulator.stats().errors).toEqual({ RunInstances: 2 });
  });

  it("applies faults only to the named action, or to any with *", async () => {
    const { emulator, ec2 } = await start({ throttling: false });
    emulator.injectFault({ action: "TerminateInstances", code: "InternalError", count: 1 });
    expect(await outcome(run(ec2))).toBe("ok");
    emulator.injectFault({ action: "*", code: "Unavailable", count: 1 });
    expect(await outcome(ec2.send(new DescribeInstancesCommand({})))).toBe("Unavailable 503");
  });

  it("delays answers by the injected latency", async () => {
    const { emulator, ec2 } = await start({ throttling: false, latencyMs: { DescribeInstances: 150 } });
    await run(ec2);
    const t0 = performance.now();
    await ec2.send(new DescribeInstancesCommand({}));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    emulator.setLatency("DescribeInstances", 0);
    const t1 = performance.now();
    await ec2.send(new DescribeInstancesCommand({}));
    expect(performance.now() - t1).toBeLessThan(140);
  });
});
