import { DescribeImagesCommand, type EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulatorClient } from "../src/ec2/client.js";
import { type Ec2Emulator, startEc2Emulator } from "../src/ec2/emulator.js";

/** DescribeImages through the real SDK client: ids, filters, owners, pages, EC2's errors. */

const X64 = "ami-0000000000000a001";
const ARM = "ami-0000000000000a002";
const GONE = "ami-0000000000000a003";
const AMAZON = "ami-0000000000000a004";

let emulator: Ec2Emulator;
let ec2: EC2Client;

beforeAll(async () => {
  emulator = await startEc2Emulator({
    throttling: false,
    images: [
      { imageId: X64, name: "runner-x64" },
      { imageId: ARM, architecture: "arm64", name: "runner-arm64", tags: { variant: "standard" } },
      { imageId: GONE, state: "deregistered", name: "runner-old" },
      { imageId: AMAZON, ownerId: "amazon", isPublic: true, name: "al2023" },
    ],
  });
  ec2 = createEmulatorClient(emulator);
});

afterAll(async () => {
  ec2.destroy();
  await emulator.stop();
});

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (e: { name: string; message: string }) => `${e.name}: ${e.message}`,
  );

describe("DescribeImages", () => {
  it("describes images by id with their architecture and state, a deregistered one included", async () => {
    const out = await ec2.send(new DescribeImagesCommand({ ImageIds: [ARM, GONE] }));
    expect(out.Images?.map((i) => [i.ImageId, i.Architecture, i.State, i.Name, i.Tags])).toEqual([
      [ARM, "arm64", "available", "runner-arm64", [{ Key: "variant", Value: "standard" }]],
      [GONE, "x86_64", "deregistered", "runner-old", []],
    ]);
  });

  it.each([
    [[{ Name: "architecture", Values: ["arm64"] }], [ARM]],
    [
      [
        { Name: "state", Values: ["available"] },
        { Name: "name", Values: ["runner-*"] },
      ],
      [X64, ARM],
    ],
    [[{ Name: "tag:variant", Values: ["standard"] }], [ARM]],
    [[{ Name: "is-public", Values: ["true"] }], [AMAZON]],
  ])("filters %j", async (Filters, expected) => {
    const out = await ec2.send(new DescribeImagesCommand({ Filters }));
    expect(out.Images?.map((i) => i.ImageId)).toEqual(expected);
  });

  it("lists by owner: self is the account, amazon is Amazon's", async () => {
    const self = await ec2.send(new DescribeImagesCommand({ Owners: ["self"] }));
    expect(self.Images?.map((i) => i.ImageId)).toEqual([X64, ARM, GONE]);
    const amazon = await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"] }));
    expect(amazon.Images?.map((i) => i.ImageId)).toEqual([AMAZON]);
  });

  it("answers MaxResults above the listing's size in one page, with no NextToken", async () => {
    const first = await ec2.send(new DescribeImagesCommand({ MaxResults: 5, Owners: ["self"] }));
    expect(first.Images).toHaveLength(3);
    expect(first.NextToken).toBeUndefined();
  });

  it.each([
    [
      { ImageIds: ["ami-00000000000000fff"] },
      "InvalidAMIID.NotFound: The image id '[ami-00000000000000fff]' does not exist",
    ],
    [
      { ImageIds: [X64, "ami-00000000000000ffe", "ami-00000000000000fff"] },
      "InvalidAMIID.NotFound: The image ids '[ami-00000000000000ffe, ami-00000000000000fff]' do not exist",
    ],
    [{ ImageIds: ["image-1"] }, 'InvalidAMIID.Malformed: Invalid id: "image-1" (expecting "ami-...")'],
    [
      { ImageIds: [X64], MaxResults: 5 },
      "InvalidParameterCombination: The parameter imageIdsSet cannot be used with the parameter maxResults",
    ],
    [
      { Filters: [{ Name: "colour", Values: ["x"] }] },
      "InvalidParameterValue: The filter 'colour' is invalid",
    ],
    [{ MaxResults: 2 }, "InvalidParameterValue"],
  ])("refuses %j", async (input, error) => {
    expect(await errorOf(ec2.send(new DescribeImagesCommand(input)))).toContain(error);
  });

  it("launches only from an available image", async () => {
    const launch = (ImageId: string) =>
      ec2.send(new RunInstancesCommand({ ImageId, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1 }));
    expect(await errorOf(launch(GONE))).toContain("InvalidAMIID.NotFound");
    const out = await launch(ARM);
    expect(out.Instances?.[0]?.ImageId).toBe(ARM);
  });
});

describe("DescribeImages with no images configured", () => {
  it("describes any well-formed id as an available x86_64 image, as launches accept any", async () => {
    const open = await startEc2Emulator({ throttling: false });
    const client = createEmulatorClient(open);
    try {
      const out = await client.send(new DescribeImagesCommand({ ImageIds: [X64] }));
      expect(out.Images?.map((i) => [i.ImageId, i.State, i.Architecture])).toEqual([
        [X64, "available", "x86_64"],
      ]);
      expect((await client.send(new DescribeImagesCommand({}))).Images).toEqual([]);
    } finally {
      client.destroy();
      await open.stop();
    }
  });
});
