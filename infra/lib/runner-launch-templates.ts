import { Stack } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as iam from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";
import type { Pool } from "../../src/pool-file.js";
import { acknowledge } from "./acknowledge.js";
import { type RunnerSecurityGroupMode, runnerSecurityGroupIds } from "./deployed-pool-file.js";
import { fleetPolicyStatements } from "./fleet-policy.js";

export interface RunnerLaunchTemplatesProps {
  vpc: ec2.IVpc;
  pools: readonly Pool[];
  /** Launch template names are `${templatePrefix}${pool.name}` (the app's MAYFLY_LAUNCH_TEMPLATE_PREFIX). */
  templatePrefix: string;
  /** TCP ports runners may reach anywhere (IPv4). Default [443]: GitHub, the app, package mirrors over HTTPS. */
  egressPorts?: readonly number[];
  securityGroupMode?: RunnerSecurityGroupMode;
  /** Opt in to SSM Session Manager on runners (adds AmazonSSMManagedInstanceCore to the runner role). */
  ssmSessionManager?: boolean;
}

/**
 * One hardened launch template per pool, the runner instance role and the runner security group.
 * The runner role has no permissions by default: a job's code runs on the instance, so whatever the
 * role may do, every workflow in every admitted repository may do too.
 */
export class RunnerLaunchTemplates extends Construct {
  readonly role: iam.Role;
  readonly instanceProfile: iam.InstanceProfile;
  readonly securityGroup: ec2.SecurityGroup;
  readonly templates: ReadonlyMap<string, ec2.CfnLaunchTemplate>;
  readonly #props: RunnerLaunchTemplatesProps;

  constructor(scope: Construct, id: string, props: RunnerLaunchTemplatesProps) {
    super(scope, id);
    this.#props = props;
    this.role = new iam.Role(this, "RunnerRole", {
      assumedBy: new iam.ServicePrincipal("ec2.amazonaws.com"),
      description: "Mayfly runner instances: no permissions unless SSM Session Manager is opted in",
    });
    if (props.ssmSessionManager) this.#allowSessionManager();
    this.instanceProfile = new iam.InstanceProfile(this, "RunnerInstanceProfile", { role: this.role });
    this.securityGroup = this.#securityGroup(props.egressPorts ?? [443]);
    this.templates = new Map(props.pools.map((pool) => [pool.name, this.#template(pool)]));
  }

  templateName(pool: string): string {
    return `${this.#props.templatePrefix}${pool}`;
  }

  /** Grants `role` exactly the EC2 rights the scaler and reaper use, for this deployment's instances. */
  grantFleetAccess(role: iam.IRole, deploymentId: string): iam.Policy {
    const pools = this.#props.pools;
    const unique = (values: string[]) => [...new Set(values)];
    const policy = new iam.Policy(this, "FleetAccess", {
      roles: [role],
      statements: fleetPolicyStatements(Stack.of(this), {
        deploymentId,
        launchTemplateIds: [...this.templates.values()].map((t) => t.ref),
        subnetIds: unique(pools.flatMap((p) => p.subnets)),
        securityGroupIds: unique(pools.flatMap((p) => this.#groupIds(p))),
        publicIpSubnetIds: unique(pools.filter((p) => p.publicIp).flatMap((p) => p.subnets)),
        images: pools.map((p) => p.image),
        instanceTypes: pools.flatMap((p) => p.instanceTypes),
        kmsKeyIds: pools.flatMap((p) => (p.volume.kmsKeyId ? [p.volume.kmsKeyId] : [])),
        runnerRoleArn: this.role.roleArn,
        usesSpot: pools.some((p) => p.market !== "on-demand"),
        usesWarm: pools.some((p) => p.warm !== undefined),
      }),
    });
    const stack = Stack.of(this);
    const created = ["instance", "volume", "network-interface"].map(
      (type) => `Resource::arn:<AWS::Partition>:ec2:${stack.region}:${stack.account}:${type}/*`,
    );
    acknowledge(
      policy,
      "AwsSolutions-IAM5",
      "Instances, volumes and network interfaces do not exist before RunInstances, so their ARNs end in *; each such statement is narrowed by conditions (own launch templates, managed-by tag, IMDSv2, encryption, pool subnets). DescribeInstances has no resource-level permissions. An SSM-resolved image is only known at launch, so its statement is narrowed by ec2:Owner to the owners the pool file names.",
      ["Resource::*", ...created, `Resource::arn:<AWS::Partition>:ec2:${stack.region}::image/*`],
    );
    return policy;
  }

  #groupIds(pool: Pool): string[] {
    return runnerSecurityGroupIds(
      pool,
      this.securityGroup.securityGroupId,
      this.#props.securityGroupMode ?? "stack-only",
    );
  }

  #securityGroup(ports: readonly number[]): ec2.SecurityGroup {
    const group = new ec2.SecurityGroup(this, "RunnerSecurityGroup", {
      vpc: this.#props.vpc,
      description: "Mayfly runners: no ingress; egress only on the configured TCP ports",
      allowAllOutbound: false,
    });
    for (const port of ports) {
      if (!Number.isInteger(port) || port < 1 || port > 65_535) {
        throw new Error(`Runner egress port ${port} is not a TCP port (1-65535)`);
      }
      group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(port), `runners may reach TCP ${port}`);
    }
    return group;
  }

  #template(pool: Pool): ec2.CfnLaunchTemplate {
    const groups = this.#groupIds(pool);
    const volume = pool.volume;
    return new ec2.CfnLaunchTemplate(this, `Template-${pool.name}`, {
      launchTemplateName: this.templateName(pool.name),
      launchTemplateData: {
        imageId: typeof pool.image === "string" ? pool.image : `resolve:ssm:${pool.image.ssmParameter}`,
        instanceType: pool.instanceTypes[0],
        iamInstanceProfile: { arn: this.instanceProfile.instanceProfileArn },
        // IMDSv2 only, and a hop limit of 1 so containers on the runner cannot reach IMDS.
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          httpPutResponseHopLimit: 1,
          instanceMetadataTags: "disabled",
        },
        blockDeviceMappings: [
          {
            deviceName: volume.deviceName,
            ebs: {
              volumeSize: volume.sizeGiB,
              volumeType: volume.type,
              encrypted: true,
              deleteOnTermination: true,
              ...(volume.iops !== undefined ? { iops: volume.iops } : {}),
              ...(volume.throughput !== undefined ? { throughput: volume.throughput } : {}),
              ...(volume.kmsKeyId !== undefined ? { kmsKeyId: volume.kmsKeyId } : {}),
            },
          },
        ],
        // The runner powers off after its one job; with this, power-off terminates the instance.
        instanceInitiatedShutdownBehavior: "terminate",
        // A template with network interfaces conflicts with a request's instance-level groups (the
        // app sends SubnetId + SecurityGroupIds for private pools), so only public pools declare one.
        ...(pool.publicIp
          ? {
              networkInterfaces: [
                { deviceIndex: 0, associatePublicIpAddress: true, groups, deleteOnTermination: true },
              ],
            }
          : { securityGroupIds: groups }),
      },
    });
  }

  #allowSessionManager(): void {
    this.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName("AmazonSSMManagedInstanceCore"));
    acknowledge(
      this.role,
      "AwsSolutions-IAM4",
      "Opt-in only (mayfly:ssmSessionManager): AWS's managed policy for SSM Session Manager is the documented minimum for the SSM agent and is kept current by AWS.",
      ["Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore"],
    );
  }
}
