import { readFileSync } from "node:fs";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ImagePipeline } from "../../../infra/lib/image-pipeline.js";
import { MayflyStack } from "../../../infra/lib/mayfly-stack.js";
import { runnerPins } from "../../../infra/lib/runner-pins.js";
import { parsePoolFile } from "../../../src/pool-file.js";
import { bareStack, exampleProps, ROOT } from "./fixtures.js";

const TEMPLATE = readFileSync(`${ROOT}/infra/runner/runner.pkr.hcl`, "utf8");
const PINS = runnerPins(TEMPLATE);
const BUILDX = { version: "0.19.3", sha256: { x64: "a".repeat(64), arm64: "b".repeat(64) } };

function pipeline(overrides: Partial<ConstructorParameters<typeof ImagePipeline>[2]> = {}) {
  const { stack, vpc } = bareStack();
  new ImagePipeline(stack, "Images", {
    vpc,
    subnetId: "subnet-0a1b2c3d4e5f60001",
    runnerDir: `${ROOT}/infra/runner`,
    runner: PINS,
    buildx: BUILDX,
    variants: ["minimal", "standard"],
    arches: ["x64", "arm64"],
    schedule: "cron(0 4 ? * mon *)",
    keep: 3,
    ...overrides,
  });
  return Template.fromStack(stack);
}
const template = pipeline();
const all = (type: string) => Object.values(template.findResources(type)).map((r) => r.Properties);

describe("image pipeline", () => {
  it("builds both variants on both architectures, on a schedule, whatever changed", () => {
    const pipelines = all("AWS::ImageBuilder::ImagePipeline");
    expect(pipelines.map((p) => p.Name).sort()).toEqual([
      "Test-runner-minimal-arm64",
      "Test-runner-minimal-x64",
      "Test-runner-standard-arm64",
      "Test-runner-standard-x64",
    ]);
    for (const p of pipelines) {
      expect(p.Schedule).toEqual({
        ScheduleExpression: "cron(0 4 ? * mon *)",
        PipelineExecutionStartCondition: "EXPRESSION_MATCH_ONLY",
      });
      expect(p.Status).toBe("ENABLED");
    }
  });

  it.each([
    ["minimal", "x64"],
    ["standard", "arm64"],
  ])("writes the %s %s AMI to the parameter pools name with `variant`", (variant, arch) => {
    const [dist] = all("AWS::ImageBuilder::DistributionConfiguration").filter(
      (d) => d.Name === `Test-runner-${variant}-${arch}`,
    );
    const pool = parsePoolFile(
      `version: 1\npools:\n  - { name: p, labels: [x], instanceTypes: [t3.small], image: { variant: ${variant}, arch: ${arch} }, subnets: [subnet-0a1b2c3d4e5f60001], securityGroups: [sg-0a1b2c3d4e5f60001], maxRunners: 1 }\n`,
      "p.yml",
    ).file?.pools[0];
    expect(dist?.Distributions[0].SsmParameterConfigurations).toEqual([
      {
        ParameterName: (pool?.image as { ssmParameter?: string } | undefined)?.ssmParameter,
        DataType: "aws:ec2:image",
      },
    ]);
    expect(dist?.Distributions[0].AmiDistributionConfiguration.Name).toBe(
      `mayfly-runner-${variant}-${PINS.version}-${arch}-{{ imagebuilder:buildDate }}`,
    );
    expect(dist?.Distributions[0].AmiDistributionConfiguration.AmiTags).toMatchObject({
      "mayfly:image": "runner",
      "mayfly:image-variant": variant,
      "mayfly:runner-version": PINS.version,
    });
  });

  it("keeps the newest N images of each pipeline and deletes their snapshots too", () => {
    const policies = all("AWS::ImageBuilder::LifecyclePolicy");
    expect(policies).toHaveLength(4);
    for (const p of policies) {
      expect(p.ResourceType).toBe("AMI_IMAGE");
      expect(p.PolicyDetails).toEqual([
        {
          Action: { Type: "DELETE", IncludeResources: { Amis: true, Snapshots: true } },
          Filter: { Type: "COUNT", Value: 3 },
        },
      ]);
      expect(Object.keys(p.ResourceSelection.TagMap)).toEqual(["mayfly:image-pipeline"]);
    }
    // Each pipeline's images carry the tag its lifecycle policy selects on.
    const pipelineTags = all("AWS::ImageBuilder::ImagePipeline")
      .map((p) => p.Tags["mayfly:image-pipeline"])
      .sort();
    expect(policies.map((p) => p.ResourceSelection.TagMap["mayfly:image-pipeline"]).sort()).toEqual(
      pipelineTags,
    );
  });

  it("starts each build from AWS's newest AL2023 minimal for its architecture, with the pinned runner", () => {
    const recipes = all("AWS::ImageBuilder::ImageRecipe");
    const byName = Object.fromEntries(recipes.map((r) => [r.Name, r]));
    expect(byName["Test-runner-minimal-x64"].ParentImage).toBe(
      "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-x86_64",
    );
    expect(byName["Test-runner-standard-arm64"].ParentImage).toBe(
      "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-arm64",
    );
    const params = (name: string) =>
      Object.fromEntries(
        byName[name].Components[0].Parameters.map((p: { Name: string; Value: string[] }) => [
          p.Name,
          p.Value[0],
        ]),
      );
    expect(params("Test-runner-standard-arm64")).toEqual({
      Variant: "standard",
      RunnerArch: "arm64",
      RunnerSha256: PINS.sha256.arm64,
      BuildxSha256: BUILDX.sha256.arm64,
    });
    expect(params("Test-runner-minimal-x64")).toMatchObject({
      Variant: "minimal",
      RunnerSha256: PINS.sha256.x64,
    });
    for (const r of recipes) {
      expect(r.BlockDeviceMappings[0].Ebs.Encrypted).toBe(true);
      expect(r.AdditionalInstanceConfiguration.SystemsManagerAgent.UninstallAfterBuild).toBe(true);
    }
  });

  it("runs the repository's install.sh and harden.sh, the ones Packer runs, from the stack's assets", () => {
    const [component] = all("AWS::ImageBuilder::Component");
    const doc = parse(component.Data);
    const steps = doc.phases[0].steps;
    expect(steps.map((s: { name: string }) => s.name)).toEqual(["Download", "Install", "Harden"]);
    expect(steps[1].inputs.commands[0]).toMatch(
      /RUNNER_VERSION=\d+\.\d+\.\d+ .*BUILDER=imagebuilder .*bash \/tmp\/mayfly-build\/install\.sh$/,
    );
    expect(steps[2].inputs.commands[0]).toMatch(/bash \/tmp\/mayfly-build\/harden\.sh$/);
    expect(steps[0].inputs.map((i: { destination: string }) => i.destination)).toContain(
      "/tmp/mayfly/bootstrap.sh",
    );
  });

  it("gives a new version to a changed build, so an update never collides with the immutable old one", () => {
    const version = (t: Template) =>
      Object.values(t.findResources("AWS::ImageBuilder::Component"))[0]?.Properties.Version as string;
    const recipeVersions = (t: Template) =>
      Object.values(t.findResources("AWS::ImageBuilder::ImageRecipe")).map((r) => r.Properties.Version);
    const other = pipeline({ runner: { ...PINS, version: "9.9.9" } });
    expect(
      Object.values(other.findResources("AWS::ImageBuilder::Component"))[0]?.Properties.Version,
    ).not.toBe(version(template));
    expect(recipeVersions(other)).not.toEqual(recipeVersions(template));
    expect(version(template)).toMatch(/^1\.\d+\.\d+$/);
  });
});

describe("image build instance", () => {
  it("requires IMDSv2 with one hop, is reachable by nobody and only speaks HTTPS out", () => {
    for (const infra of all("AWS::ImageBuilder::InfrastructureConfiguration")) {
      expect(infra.InstanceMetadataOptions).toEqual({ HttpTokens: "required", HttpPutResponseHopLimit: 1 });
      expect(infra.TerminateInstanceOnFailure).toBe(true);
      expect(infra.SubnetId).toBe("subnet-0a1b2c3d4e5f60001");
    }
    const [group] = all("AWS::EC2::SecurityGroup");
    expect(group.SecurityGroupIngress).toBeUndefined();
    expect(group.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: "0.0.0.0/0", FromPort: 443, ToPort: 443, IpProtocol: "tcp" }),
    ]);
  });

  it("has only Image Builder's documented instance policies plus read access to this build's files", () => {
    const roles = template.findResources("AWS::IAM::Role", {
      Properties: {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: "ec2.amazonaws.com" } })],
        },
      },
    });
    const [id, role] = Object.entries(roles)[0]!;
    const managed = JSON.stringify(role.Properties.ManagedPolicyArns);
    expect(managed).toContain("AmazonSSMManagedInstanceCore");
    expect(managed).toContain("EC2InstanceProfileForImageBuilder");
    expect(role.Properties.ManagedPolicyArns).toHaveLength(2);
    const statements = Object.values(template.findResources("AWS::IAM::Policy"))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(id))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe("s3:GetObject");
    // One object per file the build downloads, never the bucket or a wildcard.
    const resources = statements[0].Resource as unknown[];
    expect(resources).toHaveLength(7);
    for (const r of resources)
      expect(JSON.stringify(r)).toMatch(/cdk-hnb659fds-assets-123456789012-us-east-1\/[0-9a-f]{64}\.\w+"/);
  });
});

describe("image lifecycle role", () => {
  const roles = template.findResources("AWS::IAM::Role", {
    Properties: {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: "imagebuilder.amazonaws.com" } })],
      },
    },
  });
  const [id, role] = Object.entries(roles)[0]!;
  const statements = Object.values(template.findResources("AWS::IAM::Policy"))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(id))
    .flatMap((p) => p.Properties.PolicyDocument.Statement) as {
    Sid: string;
    Action: string | string[];
    Resource: unknown;
    Condition?: Record<string, Record<string, string>>;
  }[];
  const sid = (name: string) => statements.find((s) => s.Sid === name);

  it("is assumable only by Image Builder for this account", () => {
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "123456789012" },
    });
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it("deregisters only images Image Builder made and tagged as Mayfly runners", () => {
    expect(sid("RetireRunnerImages")?.Condition).toEqual({
      StringEquals: {
        "aws:ResourceTag/CreatedBy": "EC2 Image Builder",
        "aws:ResourceTag/mayfly:image": "runner",
      },
    });
    expect(sid("DeleteImageSnapshots")?.Condition).toEqual({
      StringEquals: { "aws:ResourceTag/CreatedBy": "EC2 Image Builder" },
    });
    expect(sid("ForgetRunnerImages")?.Resource).toBe(
      "arn:aws:imagebuilder:us-east-1:123456789012:image/test-runner-*",
    );
  });

  it("has no write action on every resource: only describe and tag lookups are unscoped", () => {
    const unscoped = statements.filter((s) => s.Resource === "*").flatMap((s) => [s.Action].flat());
    expect(unscoped.sort()).toEqual(["ec2:DescribeImages", "ec2:DescribeSnapshots", "tag:GetResources"]);
    for (const s of statements.filter((s) => s.Resource !== "*")) expect(s.Condition ?? s.Sid).toBeTruthy();
    expect(statements.flatMap((s) => [s.Action].flat()).some((a) => a.endsWith("*"))).toBe(false);
  });
});

describe("in the stack", () => {
  it("the example deployment builds every variant and says which parameters it writes", () => {
    const stack = new MayflyStack(new App(), "Mayfly", exampleProps());
    const t = Template.fromStack(stack);
    expect(Object.keys(t.findResources("AWS::ImageBuilder::ImagePipeline"))).toHaveLength(4);
    t.hasOutput("ImageParameters", {
      Value:
        "/mayfly/images/runner-minimal-x64,/mayfly/images/runner-standard-x64,/mayfly/images/runner-minimal-arm64,/mayfly/images/runner-standard-arm64",
    });
  });

  it("without the pipeline setting, the stack has none", () => {
    const t = Template.fromStack(
      new MayflyStack(new App(), "Mayfly", exampleProps({ imagePipeline: undefined })),
    );
    expect(t.findResources("AWS::ImageBuilder::ImagePipeline")).toEqual({});
  });
});
