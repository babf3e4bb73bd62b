import {
  type _InstanceType,
  CreateFleetCommand,
  CreateLaunchTemplateCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { orderPools } from "../src/ec2/allocation.js";
import { createEmulatorClient } from "../src/ec2/client.js";
import { type Ec2Emulator, startEc2Emulator } from "../src/ec2/emulator.js";

/**
 * CreateFleet's allocation strategies as a caller observes them (which pool gets the instances), through
 * the real SDK client, with spot capacity per type and zone and a spot price table.
 */
const A = "subnet-0aaaaaaaaaaaaaaa1";
const B = "subnet-0bbbbbbbbbbbbbbb2";
let emulator: Ec2Emulator;
let ec2: EC2Client;

beforeAll(async () => {
  emulator = await startEc2Emulator({
    bootDelayMs: 20,
    throttling: false,
    subnets: { [A]: "us-east-1a", [B]: "us-east-1b" },
    spotPrices: { "m7i.large": 0.05, "m6i.large": 0.04, "c7i.large/us-east-1b": 0.03, "c7i.large": 0.06 },
  });
  ec2 = createEmulatorClient(emulator, { maxAttempts: 1 });
  await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: "runner",
      LaunchTemplateData: { ImageId: "ami-0123456789abcdef0" },
    }),
  );
});

afterAll(async () => {
  ec2.destroy();
  await emulator.stop();
});

beforeEach(() => {
  for (const instanceType of ["m7i.large", "m6i.large", "c7i.large"])
    for (const availabilityZone of ["us-east-1a", "us-east-1b"])
      emulator.setCapacity({
        instanceType,
        availabilityZone,
        market: "spot",
        limit: Number.POSITIVE_INFINITY,
      });
});

async function spotFleet(count: number, strategy?: string) {
  const out = await ec2.send(
    new CreateFleetCommand({
      Type: "instant",
      LaunchTemplateConfigs: [
        {
          LaunchTemplateSpecification: { LaunchTemplateName: "runner", Version: "$Latest" },
          Overrides: (["m7i.large", "m6i.large", "c7i.large"] as _InstanceType[]).flatMap((InstanceType) =>
            [A, B].map((SubnetId) => ({ InstanceType, SubnetId })),
          ),
        },
      ],
      TargetCapacitySpecification: { TotalTargetCapacity: count, DefaultTargetCapacityType: "spot" },
      ...(strategy ? { SpotOptions: { AllocationStrategy: strategy as "lowest-price" } } : {}),
    }),
  );
  return {
    placed: (out.Instances ?? []).map((i) => `${i.InstanceType}@${i.SubnetId}×${i.InstanceIds?.length}`),
    errors: (out.Errors ?? []).map((e) => e.ErrorCode),
  };
}

describe("CreateFleet allocation", () => {
  it("lowest-price (the default) takes the cheapest pool", async () => {
    expect(await spotFleet(2)).toEqual({ placed: [`c7i.large@${B}×2`], errors: [] });
  });

  it("price-capacity-optimized skips a cheap pool too shallow for the request", async () => {
    emulator.setCapacity({
      instanceType: "c7i.large",
      availabilityZone: "us-east-1b",
      market: "spot",
      limit: 1,
    });
    for (const az of ["us-east-1a", "us-east-1b"])
      emulator.setCapacity({ instanceType: "m6i.large", availabilityZone: az, market: "spot", limit: 0 });
    expect(await spotFleet(3, "price-capacity-optimized")).toEqual({
      placed: [`m7i.large@${A}×3`],
      errors: [],
    });
  });

  it("capacity-optimized takes the deepest pool whatever its price", async () => {
    for (const [type, az, limit] of [
      ["m7i.large", "us-east-1a", 2],
      ["m7i.large", "us-east-1b", 2],
      ["m6i.large", "us-east-1a", 2],
      ["m6i.large", "us-east-1b", 2],
      ["c7i.large", "us-east-1a", 50],
      ["c7i.large", "us-east-1b", 3],
    ] as const)
      emulator.setCapacity({ instanceType: type, availabilityZone: az, market: "spot", limit });
    const result = await spotFleet(1, "capacity-optimized");
    expect(result.placed).toEqual([`c7i.large@${A}×1`]);
  });

  it("refuses an unknown strategy", async () => {
    await expect(spotFleet(1, "cheapest")).rejects.toMatchObject({ name: "InvalidParameterValue" });
  });

  it.each([
    { strategy: "lowest-price", wanted: 2, order: [2, 1, 0] },
    { strategy: "capacity-optimized", wanted: 2, order: [1, 0, 2] },
    { strategy: "price-capacity-optimized", wanted: 2, order: [1, 0, 2] },
    { strategy: "price-capacity-optimized", wanted: 1, order: [2, 1, 0] },
    { strategy: "prioritized", wanted: 2, order: [0, 1, 2] },
  ] as const)("$strategy for $wanted → $order", ({ strategy, wanted, order }) => {
    const pools = [
      { index: 0, price: 0.05, spare: 5 },
      { index: 1, price: 0.04, spare: 10 },
      { index: 2, price: 0.03, spare: 1 },
    ];
    expect(orderPools(strategy, wanted, pools)).toEqual(order);
  });
});
