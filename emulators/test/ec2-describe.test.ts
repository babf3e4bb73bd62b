import {
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  type EC2Client,
  paginateDescribeInstances,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulatorClient } from "../src/ec2/client.js";
import { type Ec2Emulator, startEc2Emulator } from "../src/ec2/emulator.js";

const AMI = "ami-0123456789abcdef0";
const SUBNET_A = "subnet-0aaaaaaaaaaaaaaa1";
const SUBNET_B = "subnet-0bbbbbbbbbbbbbbb2";

let emulator: Ec2Emulator;
let ec2: EC2Client;
const blue: string[] = [];
const green: string[] = [];

async function launch(
  count: number,
  deployment: string,
  subnet: string,
  instanceType: string,
): Promise<string[]> {
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: AMI,
      InstanceType: instanceType as "m7i.large",
      MinCount: count,
      MaxCount: count,
      SubnetId: subnet,
      TagSpecifications: [
        { ResourceType: "instance", Tags: [{ Key: "mayfly:managed-by", Value: deployment }] },
      ],
    }),
  );
  return (out.Instances ?? []).map((i) => i.InstanceId ?? "");
}

async function ids(input: DescribeInstancesCommandInput): Promise<string[]> {
  const out = await ec2.send(new DescribeInstancesCommand(input));
  return (out.Reservations ?? []).flatMap((r) => (r.Instances ?? []).map((i) => i.InstanceId ?? ""));
}

async function errorOf(input: DescribeInstancesCommandInput): Promise<{ name: string; message: string }> {
  try {
    await ec2.send(new DescribeInstancesCommand(input));
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error("expected DescribeInstances to fail");
}

beforeAll(async () => {
  emulator = await startEc2Emulator({
    bootDelayMs: 20,
    throttling: false,
    subnets: { [SUBNET_A]: "us-east-1a", [SUBNET_B]: "us-east-1b" },
  });
  ec2 = createEmulatorClient(emulator, { maxAttempts: 1 });
  blue.push(
    ...(await launch(10, "blue", SUBNET_A, "m7i.large")),
    ...(await launch(15, "blue", SUBNET_B, "c7i.large")),
  );
  green.push(...(await launch(3, "green", SUBNET_A, "m7i.large")));
});

afterAll(async () => {
  ec2.destroy();
  await emulator.stop();
});

describe("DescribeInstances filters", () => {
  it.each([
    ["tag:mayfly:managed-by", ["blue"], () => blue],
    ["tag:mayfly:managed-by", ["green", "nobody"], () => green],
    ["tag:mayfly:managed-by", ["gr*"], () => green],
    ["tag-key", ["mayfly:managed-by"], () => [...blue, ...green]],
    ["instance-type", ["c7i.large"], () => blue.slice(10)],
    ["availability-zone", ["us-east-1a"], () => [...blue.slice(0, 10), ...green]],
    ["instance-state-name", ["terminated"], () => []],
  ] as const)("%s = %j", async (name, values, expected) => {
    expect(await ids({ Filters: [{ Name: name, Values: [...values] }] })).toEqual(expected());
  });

  it("ANDs filters together", async () => {
    const found = await ids({
      Filters: [
        { Name: "tag:mayfly:managed-by", Values: ["blue"] },
        { Name: "availability-zone", Values: ["us-east-1b"] },
        { Name: "instance-state-name", Values: ["pending", "running"] },
      ],
    });
    expect(found).toEqual(blue.slice(10));
  });

  it("finds instances by client-token and instance-id filter, which ignores unknown ids", async () => {
    const token = emulator.instance(green[0] ?? "")?.clientToken ?? "";
    expect(await ids({ Filters: [{ Name: "client-token", Values: [token] }] })).toEqual(green);
    expect(
      await ids({ Filters: [{ Name: "instance-id", Values: [blue[0] ?? "", "i-0000000000000dead"] }] }),
    ).toEqual([blue[0]]);
  });

  it("refuses unknown filter names", async () => {
    expect((await errorOf({ Filters: [{ Name: "colour", Values: ["x"] }] })).name).toBe(
      "InvalidParameterValue",
    );
  });
});

describe("DescribeInstances pagination", () => {
  it("pages 25 instances 10 at a time with NextToken", async () => {
    const filter = { Filters: [{ Name: "tag:mayfly:managed-by", Values: ["blue"] }] };
    const first = await ec2.send(new DescribeInstancesCommand({ ...filter, MaxResults: 10 }));
    const firstIds = (first.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId);
    expect(firstIds).toEqual(blue.slice(0, 10));
    expect(first.NextToken).toBeTruthy();

    const pages: number[] = [];
    const all: string[] = [];
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 10 }, filter)) {
      const pageIds = (page.Reservations ?? [])
        .flatMap((r) => r.Instances ?? [])
        .map((i) => i.InstanceId ?? "");
      pages.push(pageIds.length);
      all.push(...pageIds);
    }
    expect(pages).toEqual([10, 10, 5]);
    expect(all).toEqual(blue);
  });

  it("groups instances by reservation", async () => {
    const out = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: "tag:mayfly:managed-by", Values: ["blue"] }] }),
    );
    expect(out.Reservations?.map((r) => r.Instances?.length)).toEqual([10, 15]);
    expect(out.Reservations?.[0]?.OwnerId).toBe("123456789012");
  });

  it.each([4, 1001])("refuses MaxResults %i", async (maxResults) => {
    expect((await errorOf({ MaxResults: maxResults })).name).toBe("InvalidParameterValue");
  });

  it("refuses a NextToken from another query", async () => {
    const first = await ec2.send(new DescribeInstancesCommand({ MaxResults: 5 }));
    const other = await errorOf({
      MaxResults: 5,
      NextToken: first.NextToken,
      Filters: [{ Name: "tag-key", Values: ["x"] }],
    });
    expect(other.name).toBe("InvalidPaginationToken");
  });
});

describe("DescribeInstances by id", () => {
  it("describes the named instances", async () => {
    expect(await ids({ InstanceIds: [green[1] ?? "", blue[3] ?? ""] })).toEqual([blue[3], green[1]]);
  });

  it("refuses MaxResults with InstanceIds (InvalidParameterCombination)", async () => {
    expect((await errorOf({ InstanceIds: [blue[0] ?? ""], MaxResults: 5 })).name).toBe(
      "InvalidParameterCombination",
    );
  });

  it("names every unknown id in InvalidInstanceID.NotFound", async () => {
    const error = await errorOf({
      InstanceIds: [blue[0] ?? "", "i-0000000000000dead", "i-0000000000000beef"],
    });
    expect(error).toEqual({
      name: "InvalidInstanceID.NotFound",
      message: "The instance IDs 'i-0000000000000dead, i-0000000000000beef' do not exist",
    });
  });

  it("refuses malformed ids (InvalidInstanceID.Malformed)", async () => {
    expect((await errorOf({ InstanceIds: ["instance-1"] })).name).toBe("InvalidInstanceID.Malformed");
  });
});
