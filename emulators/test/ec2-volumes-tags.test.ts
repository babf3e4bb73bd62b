import {
  CreateTagsCommand,
  DescribeInstanceAttributeCommand,
  DescribeVolumesCommand,
  type EC2Client,
  type Instance,
  RunInstancesCommand,
  type RunInstancesCommandInput,
} from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulatorClient } from "../src/ec2/client.js";
import { type Ec2Emulator, startEc2Emulator } from "../src/ec2/emulator.js";

let emulator: Ec2Emulator;
let ec2: EC2Client;

beforeAll(async () => {
  emulator = await startEc2Emulator({ bootDelayMs: 20, throttling: false });
  ec2 = createEmulatorClient(emulator, { maxAttempts: 1 });
});

afterAll(async () => {
  ec2.destroy();
  await emulator.stop();
});

async function run(overrides: Partial<RunInstancesCommandInput> = {}): Promise<Instance[]> {
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: "ami-0123456789abcdef0",
      InstanceType: "m7i.large",
      MinCount: 1,
      MaxCount: 1,
      SubnetId: "subnet-0aaaaaaaaaaaaaaa1",
      ...overrides,
    }),
  );
  return out.Instances ?? [];
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; status?: number }> {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { name: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (!error) throw new Error("expected the call to fail");
  return { name: error.name, status: error.$metadata?.httpStatusCode };
}

describe("volumes, attributes and tags", () => {
  it("DescribeVolumes reports size, type, encryption, key and tags by attachment", async () => {
    const [launched] = await run({
      BlockDeviceMappings: [
        { DeviceName: "/dev/xvda", Ebs: { VolumeSize: 50, VolumeType: "gp3", Encrypted: true } },
      ],
      TagSpecifications: [{ ResourceType: "volume", Tags: [{ Key: "mayfly:pool", Value: "small" }] }],
    });
    const out = await ec2.send(
      new DescribeVolumesCommand({
        Filters: [{ Name: "attachment.instance-id", Values: [launched?.InstanceId ?? ""] }],
      }),
    );
    expect(out.Volumes).toHaveLength(1);
    expect(out.Volumes?.[0]).toMatchObject({
      Size: 50,
      VolumeType: "gp3",
      Encrypted: true,
      State: "in-use",
      Tags: [{ Key: "mayfly:pool", Value: "small" }],
      Attachments: [{ InstanceId: launched?.InstanceId, Device: "/dev/xvda", DeleteOnTermination: true }],
    });
    expect(out.Volumes?.[0]?.KmsKeyId).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
  });

  it("gives an unencrypted 8 GiB root volume when no mapping is sent", async () => {
    const [launched] = await run();
    const out = await ec2.send(
      new DescribeVolumesCommand({
        Filters: [{ Name: "attachment.instance-id", Values: [launched?.InstanceId ?? ""] }],
      }),
    );
    expect(out.Volumes?.[0]).toMatchObject({ Size: 8, Encrypted: false });
    expect(out.Volumes?.[0]?.KmsKeyId).toBeUndefined();
  });

  it("DescribeInstanceAttribute returns user data base64-encoded, and nothing when there is none", async () => {
    const userData = Buffer.from("MAYFLY_URL=https://mayfly.example\n").toString("base64");
    const [withData] = await run({ UserData: userData, InstanceInitiatedShutdownBehavior: "terminate" });
    const [without] = await run();
    const read = (id: string, attribute: "userData" | "instanceInitiatedShutdownBehavior") =>
      ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: attribute }));
    expect((await read(withData?.InstanceId ?? "", "userData")).UserData?.Value).toBe(userData);
    expect((await read(without?.InstanceId ?? "", "userData")).UserData?.Value).toBeUndefined();
    expect(
      (await read(withData?.InstanceId ?? "", "instanceInitiatedShutdownBehavior"))
        .InstanceInitiatedShutdownBehavior?.Value,
    ).toBe("terminate");
    expect(
      (await read(without?.InstanceId ?? "", "instanceInitiatedShutdownBehavior"))
        .InstanceInitiatedShutdownBehavior?.Value,
    ).toBe("stop");
  });

  it("CreateTags tags instances and volumes, and refuses unknown ids", async () => {
    const [launched] = await run();
    const volumeId = launched?.BlockDeviceMappings?.[0]?.Ebs?.VolumeId ?? "";
    await ec2.send(
      new CreateTagsCommand({
        Resources: [launched?.InstanceId ?? "", volumeId],
        Tags: [{ Key: "mayfly:job-id", Value: "7" }],
      }),
    );
    expect(emulator.instance(launched?.InstanceId ?? "")?.tags).toEqual({ "mayfly:job-id": "7" });
    expect(emulator.instance(launched?.InstanceId ?? "")?.volumes[0]?.tags).toEqual({ "mayfly:job-id": "7" });
    expect(
      await failure(
        ec2.send(
          new CreateTagsCommand({ Resources: ["i-0123456789abcdef0"], Tags: [{ Key: "a", Value: "b" }] }),
        ),
      ),
    ).toEqual({ name: "InvalidInstanceID.NotFound", status: 400 });
  });
});

describe("XML encoding", () => {
  it("carries tag keys and values with XML special characters and non-ASCII text intact", async () => {
    const tag = { Key: `k<&>"'`, Value: `v <b>&amp; "q" 'x' ünï 😀` };
    const [launched] = await run({ TagSpecifications: [{ ResourceType: "instance", Tags: [tag] }] });
    expect(launched?.Tags).toEqual([tag]);
  });
});
