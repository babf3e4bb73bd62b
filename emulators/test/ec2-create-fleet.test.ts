import {
  CreateFleetCommand,
  type CreateFleetCommandInput,
  CreateLaunchTemplateCommand,
  DescribeInstancesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEmulatorClient } from "../src/ec2/client.js";
import { type Ec2Emulator, startEc2Emulator } from "../src/ec2/emulator.js";

const SUBNET_A = "subnet-0aaaaaaaaaaaaaaa1";
const SUBNET_B = "subnet-0bbbbbbbbbbbbbbb2";
let emulator: Ec2Emulator;
let ec2: EC2Client;

beforeAll(async () => {
  emulator = await startEc2Emulator({
    bootDelayMs: 20,
    throttling: false,
    subnets: { [SUBNET_A]: "us-east-1a", [SUBNET_B]: "us-east-1b" },
    launchTemplates: [
      { name: "from-options", data: { imageId: "ami-0aaaaaaaaaaaaaaa0", instanceType: "t3.micro" } },
    ],
  });
  ec2 = createEmulatorClient(emulator, { maxAttempts: 1 });
  await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: "runner",
      LaunchTemplateData: {
        ImageId: "ami-0123456789abcdef0",
        MetadataOptions: { HttpTokens: "required" },
        InstanceInitiatedShutdownBehavior: "terminate",
      },
    }),
  );
});

afterAll(async () => {
  ec2.destroy();
  await emulator.stop();
});

beforeEach(() => {
  for (const instanceType of ["m7i.large", "m6i.large", "c7i.large"]) {
    emulator.setCapacity({ instanceType, limit: Number.POSITIVE_INFINITY });
  }
  emulator.setCapacity({ market: "spot", limit: Number.POSITIVE_INFINITY });
});

function fleet(total: number, overrides: Partial<CreateFleetCommandInput> = {}): CreateFleetCommandInput {
  return {
    Type: "instant",
    LaunchTemplateConfigs: [
      {
        LaunchTemplateSpecification: { LaunchTemplateName: "runner", Version: "$Latest" },
        Overrides: [
          { InstanceType: "m7i.large", SubnetId: SUBNET_A },
          { InstanceType: "m6i.large", SubnetId: SUBNET_B },
        ],
      },
    ],
    TargetCapacitySpecification: { TotalTargetCapacity: total, DefaultTargetCapacityType: "on-demand" },
    // In the order listed (EC2's default, lowest-price, would pick by price: see the allocation tests).
    OnDemandOptions: { AllocationStrategy: "prioritized" },
    SpotOptions: { AllocationStrategy: "capacity-optimized-prioritized" },
    TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "mayfly:pool", Value: "large" }] }],
    ...overrides,
  };
}

describe("CreateFleet (instant)", () => {
  it("fills the target from the first pool when it has room", async () => {
    const out = await ec2.send(new CreateFleetCommand(fleet(3)));
    expect(out.FleetId).toMatch(/^fleet-/);
    expect(out.Errors ?? []).toEqual([]);
    expect(out.Instances).toHaveLength(1);
    expect(out.Instances?.[0]).toMatchObject({
      InstanceType: "m7i.large",
      Lifecycle: "on-demand",
      SubnetId: SUBNET_A,
    });
    const ids = out.Instances?.[0]?.InstanceIds ?? [];
    expect(ids).toHaveLength(3);
    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
    const instance = described.Reservations?.[0]?.Instances?.[0];
    expect(instance?.MetadataOptions?.HttpTokens).toBe("required");
    const tags = Object.fromEntries((instance?.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(tags).toEqual({ "mayfly:pool": "large", "aws:ec2:fleet-id": out.FleetId });
    expect(emulator.instance(ids[0] ?? "")?.shutdownBehavior).toBe("terminate");
  });

  it("reports capacity shortfalls as Errors[] in a 200 answer and moves on to the next pool", async () => {
    emulator.setCapacity({ instanceType: "m7i.large", limit: 0 });
    const out = await ec2.send(new CreateFleetCommand(fleet(2)));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.Errors).toEqual([
      expect.objectContaining({
        ErrorCode: "InsufficientInstanceCapacity",
        Lifecycle: "on-demand",
        LaunchTemplateAndOverrides: expect.objectContaining({
          Overrides: expect.objectContaining({ InstanceType: "m7i.large", SubnetId: SUBNET_A }),
        }),
      }),
    ]);
    expect(out.Instances?.map((i) => [i.InstanceType, i.InstanceIds?.length])).toEqual([["m6i.large", 2]]);
  });

  it("launches nothing and returns only errors when no pool has capacity", async () => {
    emulator.setCapacity({ instanceType: "m7i.large", limit: 0 });
    emulator.setCapacity({ instanceType: "m6i.large", limit: 0 });
    const out = await ec2.send(new CreateFleetCommand(fleet(2)));
    expect(out.Instances ?? []).toEqual([]);
    expect(out.Errors?.map((e) => e.ErrorCode)).toEqual([
      "InsufficientInstanceCapacity",
      "InsufficientInstanceCapacity",
    ]);
  });

  it("keeps spot and on-demand targets apart, with no automatic fallback", async () => {
    emulator.setCapacity({ market: "spot", limit: 0 });
    const out = await ec2.send(
      new CreateFleetCommand(
        fleet(3, {
          TargetCapacitySpecification: {
            TotalTargetCapacity: 3,
            OnDemandTargetCapacity: 1,
            DefaultTargetCapacityType: "spot",
          },
        }),
      ),
    );
    expect(out.Instances?.map((i) => [i.Lifecycle, i.InstanceIds?.length])).toEqual([["on-demand", 1]]);
    expect(out.Errors?.map((e) => e.Lifecycle)).toEqual(["spot", "spot"]);
  });

  it("uses templates given in the emulator options", async () => {
    const out = await ec2.send(
      new CreateFleetCommand(
        fleet(1, {
          LaunchTemplateConfigs: [
            { LaunchTemplateSpecification: { LaunchTemplateName: "from-options", Version: "$Default" } },
          ],
        }),
      ),
    );
    expect(out.Instances?.[0]?.InstanceType).toBe("t3.micro");
  });

  it("answers the same fleet again for the same ClientToken", async () => {
    const first = await ec2.send(new CreateFleetCommand(fleet(1, { ClientToken: "fleet-job-9" })));
    const again = await ec2.send(new CreateFleetCommand(fleet(1, { ClientToken: "fleet-job-9" })));
    expect(again.FleetId).toBe(first.FleetId);
    expect(again.Instances?.[0]?.InstanceIds).toEqual(first.Instances?.[0]?.InstanceIds);
  });

  it("refuses an unknown launch template", async () => {
    const error = await ec2
      .send(
        new CreateFleetCommand(
          fleet(1, {
            LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateName: "nope" } }],
          }),
        ),
      )
      .catch((e: Error) => e);
    expect((error as Error).name).toBe("InvalidLaunchTemplateName.NotFoundException");
  });

  it("refuses a duplicate launch template name", async () => {
    const error = await ec2
      .send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: "runner",
          LaunchTemplateData: { ImageId: "ami-0123456789abcdef0" },
        }),
      )
      .catch((e: Error) => e);
    expect((error as Error).name).toBe("InvalidLaunchTemplateName.AlreadyExistsException");
  });
});
