import {
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  type EC2Client,
  RunInstancesCommand,
  type RunInstancesCommandInput,
} from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createEmulatorClient } from "../src/ec2/client.js";
import { type Ec2Emulator, startEc2Emulator } from "../src/ec2/emulator.js";

/** Generous: these files share two cores with the rest of the suite. */
const WAIT = { timeout: 5_000, interval: 10 };

const SIGNED = {
  authorization: "AWS4-HMAC-SHA256 Credential=test/20261125/us-east-1/ec2/aws4_request, Signature=x",
};
let emulator: Ec2Emulator;
let ec2: EC2Client;

beforeAll(async () => {
  emulator = await startEc2Emulator({ bootDelayMs: 20, shutdownDelayMs: 20, throttling: false });
  ec2 = createEmulatorClient(emulator, { maxAttempts: 1 });
});

afterAll(async () => {
  ec2.destroy();
  await emulator.stop();
});

/** A hand-built Query request, for what the SDK would refuse to send. */
async function raw(
  body: string,
  headers: Record<string, string> = SIGNED,
): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${emulator.url}/`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1] };
}

async function sdkError(input: Partial<RunInstancesCommandInput>): Promise<string> {
  const base = { ImageId: "ami-0123456789abcdef0", MinCount: 1, MaxCount: 1 };
  try {
    await ec2.send(new RunInstancesCommand({ ...base, ...input }));
  } catch (error) {
    return (error as Error).name;
  }
  return "no error";
}

describe("EC2 Query protocol errors", () => {
  it.each([
    ["no SigV4 authorization header", "Action=DescribeInstances&Version=2016-11-15", {}, 401, "AuthFailure"],
    ["no Action", "Version=2016-11-15", SIGNED, 400, "MissingAction"],
    ["an unknown Action", "Action=LaunchRocket&Version=2016-11-15", SIGNED, 400, "InvalidAction"],
    [
      "RunInstances without MinCount",
      "Action=RunInstances&ImageId=ami-0123456789abcdef0&MaxCount=1",
      SIGNED,
      400,
      "MissingParameter",
    ],
    [
      "RunInstances without ImageId",
      "Action=RunInstances&MinCount=1&MaxCount=1",
      SIGNED,
      400,
      "MissingParameter",
    ],
    [
      "a non-numeric MaxCount",
      "Action=RunInstances&ImageId=ami-0123456789abcdef0&MinCount=1&MaxCount=lots",
      SIGNED,
      400,
      "InvalidParameterValue",
    ],
    ["TerminateInstances without ids", "Action=TerminateInstances", SIGNED, 400, "MissingParameter"],
    [
      "a filter without a name",
      "Action=DescribeInstances&Filter.1.Value.1=x",
      SIGNED,
      400,
      "MissingParameter",
    ],
    [
      "a malformed body",
      "Action=DescribeInstances&%%%=&InstanceId.1=i-zz",
      SIGNED,
      400,
      "InvalidInstanceID.Malformed",
    ],
  ])("answers %s with an EC2 error", async (_what, body, headers, status, code) => {
    expect(await raw(body, headers)).toEqual({ status, code });
  });

  it.each([
    ["a malformed AMI id", { ImageId: "image-1" }, "InvalidAMIID.Malformed"],
    ["a malformed subnet id", { SubnetId: "subnet-xyz" }, "InvalidSubnetID.Malformed"],
    ["a malformed security group id", { SecurityGroupIds: ["default"] }, "InvalidGroupId.Malformed"],
    ["user data that is not base64", { UserData: "#!/bin/bash" }, "InvalidParameterValue"],
    ["MaxCount below MinCount", { MinCount: 3, MaxCount: 2 }, "InvalidParameterValue"],
    ["an unknown instance type shape", { InstanceType: "huge" as "m7i.large" }, "InvalidParameterValue"],
    ["a hop limit above 64", { MetadataOptions: { HttpPutResponseHopLimit: 65 } }, "InvalidParameterValue"],
    [
      "a network interface plus an instance-level subnet",
      {
        SubnetId: "subnet-0aaaaaaaaaaaaaaa1",
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: "subnet-0aaaaaaaaaaaaaaa1" }],
      },
      "InvalidParameterCombination",
    ],
    [
      "persistent spot with terminate",
      {
        InstanceMarketOptions: {
          MarketType: "spot",
          SpotOptions: { SpotInstanceType: "persistent", InstanceInterruptionBehavior: "terminate" },
        },
      },
      "InvalidParameterCombination",
    ],
    [
      "a reserved aws: tag",
      { TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "aws:x", Value: "1" }] }] },
      "InvalidParameterValue",
    ],
    [
      "an unknown launch template",
      { LaunchTemplate: { LaunchTemplateName: "missing" } },
      "InvalidLaunchTemplateName.NotFoundException",
    ],
    ["DryRun", { DryRun: true }, "DryRunOperation"],
  ] as const)("refuses RunInstances with %s", async (_what, input, code) => {
    expect(await sdkError(input as Partial<RunInstancesCommandInput>)).toBe(code);
    expect(emulator.instances()).toEqual([]);
  });

  it("refuses more than 200 filter values (FilterLimitExceeded)", async () => {
    const values = Array.from({ length: 201 }, (_, i) => `i-${i.toString(16).padStart(17, "0")}`);
    const error = await ec2
      .send(new DescribeInstancesCommand({ Filters: [{ Name: "instance-id", Values: values }] }))
      .catch((e: Error) => e);
    expect((error as Error).name).toBe("FilterLimitExceeded");
  });

  it("refuses unknown instance attributes", async () => {
    const error = await ec2
      .send(new DescribeInstanceAttributeCommand({ InstanceId: "i-0123456789abcdef0", Attribute: "kernel" }))
      .catch((e: Error) => e);
    expect((error as Error).name).toBe("InvalidParameterValue");
  });

  it("answers non-API paths with 404", async () => {
    expect((await fetch(`${emulator.url}/nothing-here`)).status).toBe(404);
  });
});

describe("control endpoints", () => {
  it("lists instances, powers one off, injects faults and reports stats over HTTP", async () => {
    const out = await ec2.send(
      new RunInstancesCommand({
        ImageId: "ami-0123456789abcdef0",
        MinCount: 1,
        MaxCount: 1,
        InstanceInitiatedShutdownBehavior: "terminate",
      }),
    );
    const id = out.Instances?.[0]?.InstanceId ?? "";
    await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("running"), WAIT);
    const listed = (await (await fetch(`${emulator.url}/_emulator/instances`)).json()) as {
      instanceId: string;
    }[];
    expect(listed.map((i) => i.instanceId)).toEqual([id]);

    const poweroff = await fetch(`${emulator.url}/_emulator/instances/${id}/poweroff`, { method: "POST" });
    expect(poweroff.status).toBe(204);
    await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("terminated"), WAIT);
    expect(
      (await fetch(`${emulator.url}/_emulator/instances/i-0000000000000dead/poweroff`, { method: "POST" }))
        .status,
    ).toBe(404);

    const errorsBefore = emulator.stats().errors.DescribeInstances ?? 0;
    const fault = { action: "DescribeInstances", code: "Unavailable", count: 1 };
    expect(
      (await fetch(`${emulator.url}/_emulator/faults`, { method: "POST", body: JSON.stringify(fault) }))
        .status,
    ).toBe(204);
    const failed = await ec2.send(new DescribeInstancesCommand({})).catch((e: Error) => e);
    expect((failed as Error).name).toBe("Unavailable");
    const bad = await fetch(`${emulator.url}/_emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ code: "X" }),
    });
    expect(bad.status).toBe(400);

    const stats = (await (await fetch(`${emulator.url}/_emulator/stats`)).json()) as {
      errors: Record<string, number>;
    };
    expect(stats.errors.DescribeInstances).toBe(errorsBefore + 1);
  });

  it("sets capacity and latency, and interrupts spot instances, over HTTP", async () => {
    const post = (path: string, body?: unknown) =>
      fetch(`${emulator.url}/_emulator/${path}`, {
        method: "POST",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await post("capacity", { instanceType: "t3.nano", limit: 0 })).status).toBe(204);
    const refused = await ec2
      .send(
        new RunInstancesCommand({
          ImageId: "ami-0123456789abcdef0",
          InstanceType: "t3.nano",
          MinCount: 1,
          MaxCount: 1,
        }),
      )
      .catch((e: Error) => e);
    expect((refused as Error).name).toBe("InsufficientInstanceCapacity");
    expect((await post("capacity", { instanceType: "t3.nano", limit: null })).status).toBe(204);

    expect((await post("latency", { action: "DescribeInstances", ms: 120 })).status).toBe(204);
    const t0 = performance.now();
    await ec2.send(new DescribeInstancesCommand({}));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
    expect((await post("latency", { action: "DescribeInstances", ms: 0 })).status).toBe(204);

    const out = await ec2.send(
      new RunInstancesCommand({
        ImageId: "ami-0123456789abcdef0",
        InstanceType: "t3.nano",
        MinCount: 1,
        MaxCount: 1,
        InstanceMarketOptions: { MarketType: "spot" },
      }),
    );
    const id = out.Instances?.[0]?.InstanceId ?? "";
    expect((await post(`instances/${id}/interrupt`, { noticeMs: 0 })).status).toBe(204);
    await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("terminated"), WAIT);
    expect(emulator.instance(id)?.stateReason?.code).toBe("Server.SpotInstanceTermination");
  });
});
