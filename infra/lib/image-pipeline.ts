import { createHash } from "node:crypto";
import { join } from "node:path";
import { Stack } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as iam from "aws-cdk-lib/aws-iam";
import * as imagebuilder from "aws-cdk-lib/aws-imagebuilder";
import * as s3assets from "aws-cdk-lib/aws-s3-assets";
import { Construct } from "constructs";
import { imageParameter } from "../../src/pool-file.js";
import { acknowledge } from "./acknowledge.js";
import { IMAGE_FILES, imageBuildComponent } from "./image-build-component.js";
import type { RunnerPins } from "./runner-pins.js";

export const IMAGE_VARIANTS = ["minimal", "standard"] as const;
export const IMAGE_ARCHES = ["x64", "arm64"] as const;
export type ImageVariant = (typeof IMAGE_VARIANTS)[number];
export type ImageArch = (typeof IMAGE_ARCHES)[number];

export interface ImagePipelineProps {
  vpc: ec2.IVpc;
  /** A private subnet with a route out (NAT): the build reaches dnf's CDN, github.com and SSM. */
  subnetId: string;
  /** infra/runner: the scripts the builds run (the same ones Packer runs). */
  runnerDir: string;
  runner: RunnerPins;
  buildx: { version: string; sha256: { x64: string; arm64: string } };
  variants: readonly ImageVariant[];
  arches: readonly ImageArch[];
  /** EventBridge cron for Image Builder, e.g. `cron(0 4 ? * mon *)`. */
  schedule: string;
  /** How many images of each variant and architecture to keep; older ones are deregistered. */
  keep: number;
  volumeSizeGiB?: number;
}

const EC2_ARCH = { x64: "x86_64", arm64: "arm64" } as const;
const INSTANCE_TYPE = { x64: "t3.small", arm64: "t4g.small" } as const;
/** AWS's public parameter for the newest AL2023 minimal AMI: each build starts from today's base. */
const parentImage = (arch: ImageArch) =>
  `ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-${EC2_ARCH[arch]}`;

/**
 * The scheduled rebuild of the runner images (docs/adr/0010-image-pipeline.md): one EC2 Image Builder
 * pipeline per variant and architecture, all sharing one component (install.sh + harden.sh from this
 * repository) and one build instance profile. Each build writes its AMI to the pool-facing SSM parameter
 * `/mayfly/images/runner-<variant>-<arch>`, so pools that name a variant launch it from their next launch
 * on, and a lifecycle policy keeps the newest `keep` images of each.
 */
export class ImagePipeline extends Construct {
  readonly buildRole: iam.Role;
  readonly lifecycleRole: iam.Role;
  readonly securityGroup: ec2.SecurityGroup;
  readonly parameterNames: string[] = [];

  constructor(scope: Construct, id: string, props: ImagePipelineProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const prefix = `${stack.stackName}-runner`;

    const assets = Object.fromEntries(
      IMAGE_FILES.map((file) => [
        file,
        new s3assets.Asset(this, `File-${file}`, { path: join(props.runnerDir, file) }),
      ]),
    );
    const data = imageBuildComponent({
      files: Object.fromEntries(Object.entries(assets).map(([file, asset]) => [file, asset.s3ObjectUrl])),
      runnerVersion: props.runner.version,
      buildxVersion: props.buildx.version,
    });
    // Components and recipes are immutable: a change of content needs a new version, taken from its hash.
    const version = semanticVersion(data, ...Object.values(assets).map((a) => a.assetHash));
    const component = new imagebuilder.CfnComponent(this, "Component", {
      name: prefix,
      platform: "Linux",
      version,
      data,
      description: "Mayfly runner image: install.sh and harden.sh (infra/runner/image)",
      supportedOsVersions: ["Amazon Linux 2023"],
    });

    this.buildRole = new iam.Role(this, "BuildRole", {
      assumedBy: new iam.ServicePrincipal("ec2.amazonaws.com"),
      description: "Mayfly runner image build instances (EC2 Image Builder)",
      // What Image Builder documents for a build instance: the SSM agent's channel, and its own components
      // and logs (https://docs.aws.amazon.com/imagebuilder/latest/userguide/image-builder-setting-up.html).
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName("AmazonSSMManagedInstanceCore"),
        iam.ManagedPolicy.fromAwsManagedPolicyName("EC2InstanceProfileForImageBuilder"),
      ],
    });
    // Exactly this build's files; Asset.grantRead would grant the whole assets bucket.
    this.buildRole.addToPolicy(
      new iam.PolicyStatement({
        sid: "ReadImageFiles",
        actions: ["s3:GetObject"],
        resources: Object.values(assets).map(
          (a) => `arn:${stack.partition}:s3:::${a.s3BucketName}/${a.s3ObjectKey}`,
        ),
      }),
    );
    acknowledge(
      this.buildRole,
      "AwsSolutions-IAM4",
      "the instance policies EC2 Image Builder documents for build instances (SSM agent channel, its components)",
      [
        "Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore",
        "Policy::arn:<AWS::Partition>:iam::aws:policy/EC2InstanceProfileForImageBuilder",
      ],
    );
    const profile = new iam.CfnInstanceProfile(this, "BuildProfile", { roles: [this.buildRole.roleName] });

    // No ingress at all (Image Builder drives the build through SSM, not SSH); HTTPS out only.
    this.securityGroup = new ec2.SecurityGroup(this, "BuildSecurityGroup", {
      vpc: props.vpc,
      description: "Mayfly runner image builds: no ingress, HTTPS out",
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), "dnf CDN, github.com, SSM, S3");

    const tags = { "mayfly:image": "runner", "mayfly:managed-by": stack.stackName };
    this.lifecycleRole = lifecycleRole(this, stack);

    for (const arch of props.arches) {
      const infrastructure = new imagebuilder.CfnInfrastructureConfiguration(this, `Infrastructure-${arch}`, {
        name: `${prefix}-${arch}`,
        instanceProfileName: profile.ref,
        instanceTypes: [INSTANCE_TYPE[arch]],
        subnetId: props.subnetId,
        securityGroupIds: [this.securityGroup.securityGroupId],
        terminateInstanceOnFailure: true,
        // IMDSv2 only, and no hop for containers: the build instance keeps its role to itself.
        instanceMetadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
        resourceTags: { ...tags, "mayfly:image-build": "runner" },
        tags,
      });
      for (const variant of props.variants) {
        const name = `${prefix}-${variant}-${arch}`;
        const parameterName = imageParameter(variant, arch);
        this.parameterNames.push(parameterName);
        const imageTags = {
          ...tags,
          "mayfly:image-variant": variant,
          "mayfly:image-pipeline": `${variant}-${arch}`,
        };
        const parameters = {
          Variant: variant,
          RunnerArch: arch,
          RunnerSha256: props.runner.sha256[arch],
          BuildxSha256: (variant === "standard" && props.buildx.sha256[arch]) || "none",
        };
        const recipe = new imagebuilder.CfnImageRecipe(this, `Recipe-${variant}-${arch}`, {
          name,
          version: semanticVersion(version, JSON.stringify(parameters), String(props.volumeSizeGiB ?? 16)),
          parentImage: parentImage(arch),
          components: [
            {
              componentArn: component.attrArn,
              parameters: Object.entries(parameters).map(([key, value]) => ({ name: key, value: [value] })),
            },
          ],
          blockDeviceMappings: [
            {
              deviceName: "/dev/xvda",
              ebs: {
                volumeSize: props.volumeSizeGiB ?? 16,
                volumeType: "gp3",
                encrypted: true,
                deleteOnTermination: true,
              },
            },
          ],
          // Image Builder installs the SSM agent it drives the build with; it goes again afterwards.
          additionalInstanceConfiguration: { systemsManagerAgent: { uninstallAfterBuild: true } },
          tags: imageTags,
        });
        const distribution = new imagebuilder.CfnDistributionConfiguration(
          this,
          `Distribution-${variant}-${arch}`,
          {
            name,
            distributions: [
              {
                region: stack.region,
                // Free-form JSON: CloudFormation's own spelling (PascalCase).
                amiDistributionConfiguration: {
                  Name: `mayfly-runner-${variant}-${props.runner.version}-${arch}-{{ imagebuilder:buildDate }}`,
                  Description: `Mayfly ephemeral runner (${variant}): AL2023, actions/runner ${props.runner.version}`,
                  AmiTags: { ...imageTags, "mayfly:runner-version": props.runner.version },
                },
                ssmParameterConfigurations: [{ parameterName, dataType: "aws:ec2:image" }],
              },
            ],
            tags,
          },
        );
        new imagebuilder.CfnImagePipeline(this, `Pipeline-${variant}-${arch}`, {
          name,
          description: `Rebuilds the ${variant} ${arch} runner image and points ${parameterName} at it`,
          imageRecipeArn: recipe.attrArn,
          infrastructureConfigurationArn: infrastructure.attrArn,
          distributionConfigurationArn: distribution.attrArn,
          // Rebuild on every tick, not only when a component changes: OS fixes arrive without one.
          schedule: {
            scheduleExpression: props.schedule,
            pipelineExecutionStartCondition: "EXPRESSION_MATCH_ONLY",
          },
          // Image Builder's tests need the SSM agent on the image, which it no longer has; harden.sh
          // checks the image before it is captured instead.
          imageTestsConfiguration: { imageTestsEnabled: false },
          enhancedImageMetadataEnabled: true,
          status: "ENABLED",
          tags: imageTags,
        });
        new imagebuilder.CfnLifecyclePolicy(this, `Lifecycle-${variant}-${arch}`, {
          name,
          description: `Keeps the newest ${props.keep} ${variant} ${arch} runner images`,
          executionRole: this.lifecycleRole.roleArn,
          resourceType: "AMI_IMAGE",
          resourceSelection: { tagMap: { "mayfly:image-pipeline": `${variant}-${arch}` } },
          policyDetails: [
            {
              action: { type: "DELETE", includeResources: { amis: true, snapshots: true } },
              filter: { type: "COUNT", value: props.keep },
            },
          ],
          status: "ENABLED",
          tags,
        });
      }
    }
  }
}

/**
 * The lifecycle policy's role: AWS's EC2ImageBuilderLifecycleExecutionPolicy narrowed to Mayfly's runner
 * images. Deleting needs both Image Builder's own `CreatedBy` tag and `mayfly:image=runner`; a missing
 * right makes an execution fail visibly and delete nothing, which is the safe way to be wrong.
 */
function lifecycleRole(scope: Construct, stack: Stack): iam.Role {
  const role = new iam.Role(scope, "LifecycleRole", {
    assumedBy: new iam.ServicePrincipal("imagebuilder.amazonaws.com", {
      conditions: { StringEquals: { "aws:SourceAccount": stack.account } },
    }),
    description: "Mayfly: deregisters runner images past the newest N",
  });
  const ours = { "aws:ResourceTag/CreatedBy": "EC2 Image Builder" };
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: "RetireRunnerImages",
      actions: ["ec2:DeregisterImage", "ec2:DisableImage", "ec2:EnableImage", "ec2:DescribeImageAttribute"],
      resources: [`arn:aws:ec2:${stack.region}::image/*`],
      conditions: { StringEquals: { ...ours, "aws:ResourceTag/mayfly:image": "runner" } },
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: "DeleteImageSnapshots",
      actions: ["ec2:DeleteSnapshot"],
      resources: [`arn:aws:ec2:${stack.region}::snapshot/*`],
      conditions: { StringEquals: ours },
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: "ForgetRunnerImages",
      actions: ["imagebuilder:GetImage", "imagebuilder:DeleteImage"],
      resources: [
        `arn:aws:imagebuilder:${stack.region}:${stack.account}:image/${stack.stackName.toLowerCase()}-runner-*`,
      ],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: "FindImages",
      // Describe and tag lookups have no resource-level permissions.
      actions: ["ec2:DescribeImages", "ec2:DescribeSnapshots", "tag:GetResources"],
      resources: ["*"],
    }),
  );
  acknowledge(
    role,
    "AwsSolutions-IAM5",
    "image and snapshot ids are not known in advance: deletion is limited by the CreatedBy and mayfly:image tags; describe and tag lookups have no resource-level permissions",
    [
      `Resource::arn:aws:ec2:${stack.region}::image/*`,
      `Resource::arn:aws:ec2:${stack.region}::snapshot/*`,
      `Resource::arn:aws:imagebuilder:${stack.region}:${stack.account}:image/${stack.stackName.toLowerCase()}-runner-*`,
      "Resource::*",
    ],
  );
  return role;
}

/** major.minor.patch from a content hash; Image Builder versions are three numbers. */
function semanticVersion(...parts: string[]): string {
  const digest = createHash("sha256").update(parts.join("\n")).digest();
  return `1.${digest.readUInt16BE(0)}.${digest.readUInt16BE(2)}`;
}
