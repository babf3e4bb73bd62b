import { RemovalPolicy } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecs from "aws-cdk-lib/aws-ecs";
import type * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { acknowledge } from "./acknowledge.js";
import type { AppLoadBalancer } from "./app-load-balancer.js";

/** The port `npm start` serves on in the container (src/config.ts PORT). */
export const APP_PORT = 3000;

export interface AppServiceProps {
  vpc: ec2.IVpc;
  subnets: ec2.ISubnet[];
  image: ecs.ContainerImage;
  loadBalancer: AppLoadBalancer;
  /** Running tasks. 0 until the GitHub App's credentials are in the secret (docs/deploy.md). */
  replicas: number;
  environment: Record<string, string>;
  secrets: Record<string, ecs.Secret>;
  logRetention: logs.RetentionDays;
}

/**
 * The app on ECS Fargate: one long-lived Node.js process per task running every role (webhooks,
 * scaler, reaper, dashboard), behind the load balancer. Why Fargate and not Lambda:
 * docs/adr/0001-app-compute.md.
 */
export class AppService extends Construct {
  readonly service: ecs.FargateService;
  readonly taskRole: iam.IRole;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AppServiceProps) {
    super(scope, id);
    const cluster = new ecs.Cluster(this, "Cluster", {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    this.logGroup = new logs.LogGroup(this, "Logs", {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const task = new ecs.FargateTaskDefinition(this, "Task", {
      cpu: 512,
      memoryLimitMiB: 1024,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.taskRole = task.taskRole;
    // The root file system is read-only; the entrypoint writes the pool file and certificate to /tmp.
    task.addVolume({ name: "tmp" });
    const container = task.addContainer("app", {
      image: props.image,
      essential: true,
      readonlyRootFilesystem: true,
      portMappings: [{ containerPort: APP_PORT }],
      environment: props.environment,
      secrets: props.secrets,
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: "app" }),
    });
    container.addMountPoints({ containerPath: "/tmp", sourceVolume: "tmp", readOnly: false });
    const group = new ec2.SecurityGroup(this, "SecurityGroup", {
      vpc: props.vpc,
      description: "Mayfly app tasks: in only from the load balancer; out only HTTPS (GitHub and AWS APIs)",
      allowAllOutbound: false,
    });
    group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), "GitHub API, AWS APIs, image pulls");
    this.service = new ecs.FargateService(this, "Service", {
      cluster,
      taskDefinition: task,
      desiredCount: props.replicas,
      vpcSubnets: { subnets: props.subnets },
      securityGroups: [group],
      assignPublicIp: false,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
    });
    props.loadBalancer.routeTo(this.service, APP_PORT);
    this.#suppressFindings(task);
  }

  #suppressFindings(task: ecs.FargateTaskDefinition): void {
    acknowledge(
      task,
      "AwsSolutions-ECS2",
      "The environment holds only non-secret settings (URLs, ids, the pool file, AWS's public identity certificate); every secret comes from Secrets Manager through `secrets`.",
    );
    if (task.executionRole) {
      acknowledge(
        task.executionRole,
        "AwsSolutions-IAM5",
        "ecr:GetAuthorizationToken has no resource-level permissions; CDK grants it to pull the app image.",
        ["Resource::*"],
      );
    }
  }
}
