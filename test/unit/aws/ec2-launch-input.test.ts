import { describe, expect, it } from "vitest";
import { buildRunInstancesInput } from "../../../src/aws/ec2-launch-input.js";
import type { LaunchSpec } from "../../../src/aws/fleet.js";
import { LaunchConfigError } from "../../../src/errors.js";
import { type Pool, parsePoolFile } from "../../../src/pool-file.js";

function pool(extra: string): Pool {
  const { file, problems } = parsePoolFile(
    `version: 1
pools:
  - name: large
    labels: [linux, x64, mayfly-large]
    instanceTypes: [m7i.large]
    image: ami-0123456789abcdef0
    subnets: [subnet-0aaaaaaaaaaaaaaa1]
    securityGroups: [sg-0123456789abcdef0, sg-0123456789abcdef1]
    maxRunners: 10
${extra}`,
    "test.yml",
  );
  if (!file) throw new Error(JSON.stringify(problems));
  return file.pools[0] as Pool;
}

function spec(p: Pool, overrides: Partial<LaunchSpec> = {}): LaunchSpec {
  return {
    pool: p,
    instanceType: "m7i.large",
    subnetId: "subnet-0aaaaaaaaaaaaaaa1",
    market: "on-demand",
    count: 2,
    clientToken: "job-42",
    userData: "#!/bin/bash\necho mayfly\n",
    tags: { "mayfly:pool": "large" },
    ...overrides,
  };
}

describe("buildRunInstancesInput", () => {
  it("builds a hardened on-demand launch in a private subnet", () => {
    const input = buildRunInstancesInput(spec(pool("")), "prod");
    expect(input).toEqual({
      ImageId: "ami-0123456789abcdef0",
      InstanceType: "m7i.large",
      MinCount: 1,
      MaxCount: 2,
      NetworkInterfaces: [
        {
          DeviceIndex: 0,
          SubnetId: "subnet-0aaaaaaaaaaaaaaa1",
          Groups: ["sg-0123456789abcdef0", "sg-0123456789abcdef1"],
          AssociatePublicIpAddress: false,
          DeleteOnTermination: true,
        },
      ],
      UserData: Buffer.from("#!/bin/bash\necho mayfly\n").toString("base64"),
      MetadataOptions: {
        HttpTokens: "required",
        HttpPutResponseHopLimit: 1,
        HttpEndpoint: "enabled",
        InstanceMetadataTags: "disabled",
      },
      BlockDeviceMappings: [
        {
          DeviceName: "/dev/xvda",
          Ebs: { VolumeSize: 30, VolumeType: "gp3", Encrypted: true, DeleteOnTermination: true },
        },
      ],
      TagSpecifications: [
        {
          ResourceType: "instance",
          Tags: [
            { Key: "mayfly:pool", Value: "large" },
            { Key: "mayfly:managed-by", Value: "prod" },
          ],
        },
        {
          ResourceType: "volume",
          Tags: [
            { Key: "mayfly:pool", Value: "large" },
            { Key: "mayfly:managed-by", Value: "prod" },
          ],
        },
      ],
      InstanceInitiatedShutdownBehavior: "terminate",
      ClientToken: "job-42",
    });
  });

  it("asks for a public address only when the pool says so", () => {
    const input = buildRunInstancesInput(spec(pool("    publicIp: true")), "prod");
    expect(input.SubnetId).toBeUndefined();
    expect(input.SecurityGroupIds).toBeUndefined();
    expect(input.NetworkInterfaces).toEqual([
      {
        DeviceIndex: 0,
        SubnetId: "subnet-0aaaaaaaaaaaaaaa1",
        Groups: ["sg-0123456789abcdef0", "sg-0123456789abcdef1"],
        AssociatePublicIpAddress: true,
        DeleteOnTermination: true,
      },
    ]);
  });

  it.each([
    ["mayfly-runner", { Name: "mayfly-runner" }],
    [
      "arn:aws:iam::123456789012:instance-profile/mayfly-runner",
      { Arn: "arn:aws:iam::123456789012:instance-profile/mayfly-runner" },
    ],
  ])("passes instance profile %s by name or ARN", (profile, expected) => {
    expect(
      buildRunInstancesInput(spec(pool(`    instanceProfile: ${profile}`)), "prod").IamInstanceProfile,
    ).toEqual(expected);
  });

  it("resolves SSM images, spot, volumes with keys, and launch templates", () => {
    const p = pool(
      `    volume: { deviceName: /dev/sda1, sizeGiB: 100, type: io2, iops: 8000, kmsKeyId: alias/runners }`,
    );
    const input = buildRunInstancesInput(
      spec(
        { ...p, image: { ssmParameter: "/mayfly/ami" } },
        { market: "spot", launchTemplate: "mayfly-large" },
      ),
      "prod",
    );
    expect(input.ImageId).toBe("resolve:ssm:/mayfly/ami");
    expect(input.InstanceMarketOptions).toEqual({
      MarketType: "spot",
      SpotOptions: { SpotInstanceType: "one-time", InstanceInterruptionBehavior: "terminate" },
    });
    expect(input.BlockDeviceMappings?.[0]).toEqual({
      DeviceName: "/dev/sda1",
      Ebs: {
        VolumeSize: 100,
        VolumeType: "io2",
        Iops: 8000,
        KmsKeyId: "alias/runners",
        Encrypted: true,
        DeleteOnTermination: true,
      },
    });
    expect(input.LaunchTemplate).toEqual({ LaunchTemplateName: "mayfly-large", Version: "$Default" });
  });

  it("refuses tags that name another deployment", () => {
    expect(() =>
      buildRunInstancesInput(spec(pool(""), { tags: { "mayfly:managed-by": "staging" } }), "prod"),
    ).toThrow(LaunchConfigError);
  });
});
