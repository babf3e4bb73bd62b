import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type * as ecs from "aws-cdk-lib/aws-ecs";
import * as logs from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import type { PoolFile } from "../../src/pool-file.js";
import { AlarmTopic } from "./alarm-topic.js";
import { AppLoadBalancer } from "./app-load-balancer.js";
import { AppSecrets } from "./app-secrets.js";
import { APP_PORT, AppService } from "./app-service.js";
import { checkStackProps } from "./check-stack-props.js";
import { deployedPoolFile, type RunnerSecurityGroupMode } from "./deployed-pool-file.js";
import { GithubOidcRole, type GithubOidcRoleProps } from "./github-oidc-role.js";
import { ImagePipeline } from "./image-pipeline.js";
import type { ImagePipelineSettings } from "./image-settings.js";
import { ImportedNetwork } from "./imported-network.js";
import { assertDeployablePools } from "./pool-guard.js";
import { RunnerLaunchTemplates } from "./runner-launch-templates.js";
import { WorkQueues } from "./work-queues.js";

export interface MayflyStackProps extends StackProps {
  /** A concrete account and region: ARNs in the IAM policies are written out, and ALB logging needs the region. */
  env: { account: string; region: string };
  /** The parsed pool file (src/pool-file.ts); every pool gets a launch template. */
  pools: PoolFile;
  network: { vpcId: string; loadBalancerSubnetIds: string[]; appSubnetIds: string[] };
  /** The app's public host name; PUBLIC_URL is https://<domainName>. */
  domainName: string;
  /** ACM certificate for domainName, in the stack's region. */
  certificateArn: string;
  hostedZone?: { id: string; name: string };
  /** AWS's RSA certificate for instance identity signatures in this region (PEM). */
  identityCertificatePem: string;
  image: ecs.ContainerImage;
  replicas?: number;
  runnerPrefix?: string;
  runnerEgressPorts?: number[];
  runnerSecurityGroups?: RunnerSecurityGroupMode;
  ssmSessionManager?: boolean;
  ingressCidrs?: string[];
  alarmEmail?: string;
  logRetention?: logs.RetentionDays;
  rotateBootstrapKey?: boolean;
  /** An example GitHub OIDC role allowed to `cdk deploy` this stack from one repository and branch. */
  deployRole?: GithubOidcRoleProps;
  /** The scheduled rebuild of the runner images (infra/lib/image-pipeline.ts); absent: none. */
  imagePipeline?: ImagePipelineSettings;
}

/**
 * Mayfly in one stack: queues, secrets, the app on Fargate behind HTTPS, the runner launch templates
 * and their least-privilege grants. The stack name is the deployment id: the `mayfly:managed-by` tag
 * value that scopes everything the app may touch.
 */
export class MayflyStack extends Stack {
  constructor(scope: Construct, id: string, props: MayflyStackProps) {
    super(scope, id, props);
    checkStackProps(this.stackName, props);
    const templatePrefix = `${this.stackName}-`;
    assertDeployablePools(props.pools, (pool) => `${templatePrefix}${pool}`);

    const network = new ImportedNetwork(this, "Network", props.network);
    const vpc = network.vpc;
    const alarms = new AlarmTopic(this, "Alarms", { email: props.alarmEmail });
    const queues = new WorkQueues(this, "Queues", { alarmAction: alarms.action });
    const secrets = new AppSecrets(this, "Secrets", { rotateBootstrapKey: props.rotateBootstrapKey });
    const mode = props.runnerSecurityGroups ?? "stack-only";
    const runners = new RunnerLaunchTemplates(this, "Runners", {
      vpc,
      pools: props.pools.pools,
      templatePrefix,
      egressPorts: props.runnerEgressPorts,
      securityGroupMode: mode,
      ssmSessionManager: props.ssmSessionManager,
    });
    const loadBalancer = new AppLoadBalancer(this, "Ingress", {
      vpc,
      subnets: network.loadBalancerSubnets,
      domainName: props.domainName,
      certificateArn: props.certificateArn,
      ingressCidrs: props.ingressCidrs ?? ["0.0.0.0/0"],
      hostedZone: props.hostedZone,
    });
    const poolFile = deployedPoolFile(props.pools, {
      stackGroupId: runners.securityGroup.securityGroupId,
      mode,
      launchTemplateName: (pool) => runners.templateName(pool),
    });
    const app = new AppService(this, "App", {
      vpc,
      subnets: network.appSubnets,
      image: props.image,
      loadBalancer,
      replicas: props.replicas ?? 2,
      logRetention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      secrets: secrets.containerSecrets(),
      environment: {
        NODE_ENV: "production",
        HOST: "0.0.0.0",
        PORT: String(APP_PORT),
        PUBLIC_URL: `https://${props.domainName}`,
        MAYFLY_DEPLOYMENT_ID: this.stackName,
        // The ALB appends the client to X-Forwarded-For: /bootstrap rate-limits per instance, not per ALB.
        MAYFLY_TRUSTED_PROXY_HOPS: "1",
        MAYFLY_RUNNER_PREFIX: props.runnerPrefix ?? "mayfly-",
        MAYFLY_LAUNCH_TEMPLATE_PREFIX: templatePrefix,
        AWS_REGION: this.region,
        AWS_ACCOUNT_ID: this.account,
        MAYFLY_QUEUE: "sqs",
        MAYFLY_SCALE_QUEUE_URL: queues.scale.queueUrl,
        MAYFLY_REAP_QUEUE_URL: queues.reap.queueUrl,
        MAYFLY_DEAD_LETTER_QUEUE_URL: queues.deadLetter.queueUrl,
        // Written to these paths by infra/docker-entrypoint.sh before the app starts.
        MAYFLY_POOLS_FILE: "/tmp/mayfly/pools.json",
        MAYFLY_POOLS_CONTENT: this.toJsonString(poolFile),
        MAYFLY_IDENTITY_CERT_PATH: "/tmp/mayfly/aws-identity-certificate.pem",
        MAYFLY_IDENTITY_CERT_CONTENT: props.identityCertificatePem,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      },
    });
    queues.grantWorker(app.taskRole);
    runners.grantFleetAccess(app.taskRole, this.stackName);

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output("WebhookUrl", `https://${props.domainName}/api/github/webhooks`, "Webhook URL for the GitHub App");
    output(
      "LoadBalancerDnsName",
      loadBalancer.loadBalancer.loadBalancerDnsName,
      `Point ${props.domainName} here`,
    );
    output("GithubAppSecretArn", secrets.githubApp.secretArn, "Put the GitHub App's credentials here");
    output("DashboardTokenSecretArn", secrets.dashboardToken.secretArn, "Bearer token for /dashboard");
    output("DeadLetterQueueUrl", queues.deadLetter.queueUrl, "Dead-lettered scale and reap messages");
    output("RunnerSecurityGroupId", runners.securityGroup.securityGroupId, "Security group of every runner");
    output("AppLogGroup", app.logGroup.logGroupName, "The app's logs");
    if (props.imagePipeline) {
      const images = new ImagePipeline(this, "Images", { vpc, ...props.imagePipeline });
      output("ImageParameters", images.parameterNames.join(","), "SSM parameters the image pipeline writes");
    }
    if (props.deployRole) {
      const deploy = new GithubOidcRole(this, "DeployRole", {
        description: "Example: a GitHub Actions workflow deploys this stack with no stored AWS keys",
        ...props.deployRole,
      });
      deploy.allowCdkDeploy();
      output("DeployRoleArn", deploy.role.roleArn, `role-to-assume for ${deploy.subject}`);
    }
  }
}
