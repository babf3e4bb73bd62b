import { randomUUID } from "node:crypto";
import {
  DescribeInstancesCommand,
  type EC2Client,
  type Instance,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createEmulatorClient } from "../src/ec2/client.js";
import { type Ec2Emulator, startEc2Emulator } from "../src/ec2/emulator.js";

/** Generous: these files share two cores with the rest of the suite. */
const WAIT = { timeout: 5_000, interval: 10 };

const AMI = "ami-0123456789abcdef0";
const SSM_AMI = "ami-0fedcba9876543210";
const SUBNET_A = "subnet-0aaaaaaaaaaaaaaa1";
const SUBNET_B = "subnet-0bbbbbbbbbbbbbbb2";
const SG = "sg-0123456789abcdef0";

let emulator: Ec2Emulator;
let ec2: EC2Client;

beforeAll(async () => {
  emulator = await startEc2Emulator({
    // Instances stay pending here, so state assertions hold however slow the machine is.
    bootDelayMs: 60_000,
    shutdownDelayMs: 20,
    throttling: false,
    subnets: { [SUBNET_A]: "us-east-1a", [SUBNET_B]: "us-east-1b" },
    ssmParameters: { "/mayfly/runner-ami": SSM_AMI },
    launchTemplates: [
      {
        name: "runner",
        data: {
          imageId: AMI,
          instanceType: "m7i.large",
          metadataOptions: { httpTokens: "required" },
          instanceTags: { team: "ci" },
        },
      },
    ],
  });
  ec2 = createEmulatorClient(emulator, { maxAttempts: 1 });
});

afterAll(async () => {
  ec2.destroy();
  await emulator.stop();
});

function input(overrides: Partial<RunInstancesCommandInput> = {}): RunInstancesCommandInput {
  return {
    ImageId: AMI,
    InstanceType: "m7i.large",
    MinCount: 1,
    MaxCount: 1,
    SubnetId: SUBNET_A,
    SecurityGroupIds: [SG],
    ClientToken: randomUUID(),
    ...overrides,
  };
}

async function run(overrides: Partial<RunInstancesCommandInput> = {}): Promise<Instance[]> {
  const out = await ec2.send(new RunInstancesCommand(input(overrides)));
  return out.Instances ?? [];
}

async function describeOne(instanceId: string): Promise<Instance> {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const instance = out.Reservations?.[0]?.Instances?.[0];
  if (!instance) throw new Error(`${instanceId} not described`);
  return instance;
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; status?: number }> {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { name: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (!error) throw new Error("expected the call to fail");
  return { name: error.name, status: error.$metadata?.httpStatusCode };
}

describe("RunInstances", () => {
  it("records every launch parameter and reports it through DescribeInstances", async () => {
    const [launched] = await run({
      InstanceType: "c7g.large",
      SubnetId: undefined,
      SecurityGroupIds: undefined,
      NetworkInterfaces: [
        { DeviceIndex: 0, SubnetId: SUBNET_B, AssociatePublicIpAddress: true, Groups: [SG] },
      ],
      IamInstanceProfile: { Name: "mayfly-runner" },
      UserData: Buffer.from("#!/bin/bash\necho hello\n").toString("base64"),
      MetadataOptions: {
        HttpTokens: "required",
        HttpPutResponseHopLimit: 1,
        HttpEndpoint: "enabled",
        InstanceMetadataTags: "disabled",
      },
      BlockDeviceMappings: [
        {
          DeviceName: "/dev/xvda",
          Ebs: {
            VolumeSize: 40,
            VolumeType: "gp3",
            Encrypted: true,
            Iops: 4000,
            Throughput: 250,
            KmsKeyId: "alias/runner",
            DeleteOnTermination: true,
          },
        },
      ],
      TagSpecifications: [
        { ResourceType: "instance", Tags: [{ Key: "mayfly:managed-by", Value: "prod" }] },
        { ResourceType: "volume", Tags: [{ Key: "mayfly:pool", Value: "large" }] },
      ],
      InstanceMarketOptions: {
        MarketType: "spot",
        SpotOptions: { SpotInstanceType: "one-time", InstanceInterruptionBehavior: "terminate" },
      },
      InstanceInitiatedShutdownBehavior: "terminate",
      ClientToken: "launch-everything",
    });
    const described = await describeOne(launched?.InstanceId ?? "");
    expect(described).toMatchObject({
      ImageId: AMI,
      InstanceType: "c7g.large",
      Architecture: "arm64",
      State: { Code: 0, Name: "pending" },
      StateReason: { Code: "pending" },
      Placement: { AvailabilityZone: "us-east-1b" },
      SubnetId: SUBNET_B,
      SecurityGroups: [{ GroupId: SG }],
      IamInstanceProfile: { Arn: "arn:aws:iam::123456789012:instance-profile/mayfly-runner" },
      MetadataOptions: {
        HttpTokens: "required",
        HttpPutResponseHopLimit: 1,
        HttpEndpoint: "enabled",
        InstanceMetadataTags: "disabled",
      },
      InstanceLifecycle: "spot",
      Tags: [{ Key: "mayfly:managed-by", Value: "prod" }],
      ClientToken: "launch-everything",
    });
    expect(described.LaunchTime).toBeInstanceOf(Date);
    expect(described.PrivateIpAddress).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(described.PublicIpAddress).toMatch(/^54\.\d+\.\d+\.\d+$/);
    expect(described.BlockDeviceMappings?.[0]).toMatchObject({
      DeviceName: "/dev/xvda",
      Ebs: { DeleteOnTermination: true },
    });
    expect(described.BlockDeviceMappings?.[0]?.Ebs?.VolumeId).toMatch(/^vol-[0-9a-f]{17}$/);

    const recorded = emulator.instance(described.InstanceId ?? "");
    expect(recorded).toMatchObject({
      market: "spot",
      userData: "#!/bin/bash\necho hello\n",
      shutdownBehavior: "terminate",
      clientToken: "launch-everything",
      volumes: [
        {
          sizeGiB: 40,
          volumeType: "gp3",
          encrypted: true,
          kmsKeyId: "alias/runner",
          iops: 4000,
          throughput: 250,
        },
      ],
    });
  });

  it("gives an instance no public address unless one is associated", async () => {
    const [launched] = await run();
    const described = await describeOne(launched?.InstanceId ?? "");
    expect(described.PublicIpAddress).toBeUndefined();
    expect(described.Placement?.AvailabilityZone).toBe("us-east-1a");
  });

  it("launches from a launch template, with request values overriding the template's", async () => {
    const [launched] = await run({
      ImageId: undefined,
      InstanceType: "c7i.xlarge",
      LaunchTemplate: { LaunchTemplateName: "runner", Version: "$Default" },
      TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "job", Value: "42" }] }],
    });
    const described = await describeOne(launched?.InstanceId ?? "");
    expect(described.ImageId).toBe(AMI);
    expect(described.InstanceType).toBe("c7i.xlarge");
    expect(described.MetadataOptions?.HttpTokens).toBe("required");
    const tags = Object.fromEntries((described.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(tags).toMatchObject({ team: "ci", job: "42", "aws:ec2launchtemplate:version": "1" });
  });

  it("resolves resolve:ssm: image ids and refuses unknown parameters", async () => {
    const [launched] = await run({ ImageId: "resolve:ssm:/mayfly/runner-ami" });
    expect(launched?.ImageId).toBe(SSM_AMI);
    expect(await failure(run({ ImageId: "resolve:ssm:/nope" }))).toEqual({
      name: "InvalidParameterValue",
      status: 400,
    });
  });

  it("refuses subnets it does not know", async () => {
    expect(await failure(run({ SubnetId: "subnet-0ccccccccccccccc3" }))).toEqual({
      name: "InvalidSubnetID.NotFound",
      status: 400,
    });
  });
});

describe("ClientToken idempotency", () => {
  it("answers the same reservation and instances for the same token and parameters, even after termination", async () => {
    const first = await ec2.send(new RunInstancesCommand(input({ ClientToken: "job-1001", MaxCount: 2 })));
    const again = await ec2.send(new RunInstancesCommand(input({ ClientToken: "job-1001", MaxCount: 2 })));
    const ids = first.Instances?.map((i) => i.InstanceId);
    expect(ids).toHaveLength(2);
    expect(again.ReservationId).toBe(first.ReservationId);
    expect(again.Instances?.map((i) => i.InstanceId)).toEqual(ids);

    await ec2.send(new TerminateInstancesCommand({ InstanceIds: ids as string[] }));
    await vi.waitFor(() => expect(emulator.instance(ids?.[0] ?? "")?.state).toBe("terminated"), WAIT);
    const count = emulator.instances().length;
    const afterTermination = await ec2.send(
      new RunInstancesCommand(input({ ClientToken: "job-1001", MaxCount: 2 })),
    );
    expect(afterTermination.Instances?.map((i) => [i.InstanceId, i.State?.Name])).toEqual(
      ids?.map((id) => [id, "terminated"]),
    );
    expect(emulator.instances()).toHaveLength(count);
  });

  it("refuses the same token with different parameters (IdempotentParameterMismatch, 400)", async () => {
    await run({ ClientToken: "job-2002" });
    expect(await failure(run({ ClientToken: "job-2002", InstanceType: "m6i.large" }))).toEqual({
      name: "IdempotentParameterMismatch",
      status: 400,
    });
  });

  it("scopes tokens to the Availability Zone when a subnet is named", async () => {
    const [inA] = await run({ ClientToken: "job-3003", SubnetId: SUBNET_A });
    const [inB] = await run({ ClientToken: "job-3003", SubnetId: SUBNET_B });
    expect(inB?.InstanceId).not.toBe(inA?.InstanceId);
    expect(inB?.Placement?.AvailabilityZone).toBe("us-east-1b");
  });
});
