import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GITHUB_APP_SECRET_KEYS } from "../../../infra/lib/app-secrets.js";
import { loadConfig } from "../../../src/config.js";
import { parsePoolFile } from "../../../src/pool-file.js";
import { exampleStack } from "./fixtures.js";

// One synthesized example deployment for the whole file (synth takes seconds).
const { template } = exampleStack();
const resources = (type: string) => template.findResources(type);
const idOf = (type: string, prefix: string) =>
  Object.keys(resources(type)).find((id) => id.startsWith(prefix)) ?? "";
const queue = (prefix: string) => resources("AWS::SQS::Queue")[idOf("AWS::SQS::Queue", prefix)]?.Properties;
const [taskDefinition] = Object.values(resources("AWS::ECS::TaskDefinition"));
const [container] = taskDefinition?.Properties.ContainerDefinitions ?? [];
const env = Object.fromEntries(
  ((container?.Environment ?? []) as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]),
);

/** The pool file as the container receives it, with the runner group id CloudFormation fills in. */
function deployedPoolText(): string {
  const group = { "Fn::GetAtt": [idOf("AWS::EC2::SecurityGroup", "RunnersRunnerSecurityGroup"), "GroupId"] };
  const parts = (env.MAYFLY_POOLS_CONTENT as { "Fn::Join": [string, unknown[]] })["Fn::Join"][1];
  return parts
    .map((p) =>
      typeof p === "string" ? p : JSON.stringify(p) === JSON.stringify(group) ? "sg-0123456789abcdef0" : "?",
    )
    .join("");
}

describe("queues", () => {
  const deadLetterArn = { "Fn::GetAtt": [idOf("AWS::SQS::Queue", "QueuesDeadLetter"), "Arn"] };

  it.each([
    ["QueuesScale", "Mayfly-scale.fifo"],
    ["QueuesReap", "Mayfly-reap.fifo"],
  ])(
    "%s is FIFO, SSE, 60 s visibility, 4 days, app-set dedup ids, redriven to the shared DLQ",
    (id, name) => {
      expect(queue(id)).toEqual({
        QueueName: name,
        FifoQueue: true,
        ContentBasedDeduplication: false,
        VisibilityTimeout: 60,
        MessageRetentionPeriod: 4 * 86_400,
        SqsManagedSseEnabled: true,
        RedrivePolicy: { deadLetterTargetArn: deadLetterArn, maxReceiveCount: 1000 },
      });
    },
  );

  it("share one FIFO, encrypted dead-letter queue", () => {
    expect(queue("QueuesDeadLetter")).toEqual({
      QueueName: "Mayfly-dead-letter.fifo",
      FifoQueue: true,
      ContentBasedDeduplication: false,
      MessageRetentionPeriod: 14 * 86_400,
      SqsManagedSseEnabled: true,
    });
  });

  it("refuse requests without TLS", () => {
    const policies = Object.values(resources("AWS::SQS::QueuePolicy"));
    expect(policies).toHaveLength(3);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual([
        expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
      ]);
    }
  });

  it("alarm when anything reaches the dead-letter queue, notifying the alarm topic", () => {
    const [alarm] = Object.values(resources("AWS::CloudWatch::Alarm"));
    expect(alarm?.Properties).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [
        {
          Name: "QueueName",
          Value: { "Fn::GetAtt": [idOf("AWS::SQS::Queue", "QueuesDeadLetter"), "QueueName"] },
        },
      ],
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      EvaluationPeriods: 1,
      TreatMissingData: "notBreaching",
      AlarmActions: [{ Ref: idOf("AWS::SNS::Topic", "AlarmsTopic") }],
    });
  });
});

describe("secrets", () => {
  const secrets = resources("AWS::SecretsManager::Secret");

  it("hold the GitHub App credentials as one JSON secret, with a generated webhook secret", () => {
    const app = secrets[idOf("AWS::SecretsManager::Secret", "SecretsGithubApp")]?.Properties;
    expect(app.SecretString).toBeUndefined();
    expect(JSON.parse(app.GenerateSecretString.SecretStringTemplate)).toEqual({
      APP_ID: "",
      PRIVATE_KEY: "",
      GITHUB_CLIENT_ID: "",
      GITHUB_CLIENT_SECRET: "",
    });
    expect(app.GenerateSecretString).toMatchObject({
      GenerateStringKey: "WEBHOOK_SECRET",
      PasswordLength: 64,
    });
  });

  it.each(["SecretsBootstrapKey", "SecretsSessionKey", "SecretsDashboardToken"])(
    "generate %s (64 random letters and digits, never in the template)",
    (id) => {
      const secret = secrets[idOf("AWS::SecretsManager::Secret", id)]?.Properties;
      expect(secret.GenerateSecretString).toEqual({ ExcludePunctuation: true, PasswordLength: 64 });
      expect(secret.SecretString).toBeUndefined();
    },
  );

  it("reach the app only as ECS secrets injected by the execution role", () => {
    const byName = Object.fromEntries(
      (container.Secrets as { Name: string; ValueFrom: unknown }[]).map((s) => [
        s.Name,
        JSON.stringify(s.ValueFrom),
      ]),
    );
    for (const key of GITHUB_APP_SECRET_KEYS) {
      expect(byName[key]).toContain(idOf("AWS::SecretsManager::Secret", "SecretsGithubApp"));
      expect(byName[key]).toContain(`:${key}::`);
    }
    expect(byName.MAYFLY_BOOTSTRAP_KEY).toContain("SecretsBootstrapKey");
    expect(byName.MAYFLY_SESSION_KEY).toContain("SecretsSessionKey");
    expect(byName.MAYFLY_DASHBOARD_TOKEN).toContain("SecretsDashboardToken");
    expect(byName.MAYFLY_BOOTSTRAP_KEY_PREVIOUS).toBeUndefined();
    const values = JSON.stringify(env);
    expect(values).not.toContain("Secrets");
  });
});

describe("the app service", () => {
  it("runs the container with a read-only root file system and a writable /tmp", () => {
    expect(container).toMatchObject({
      Image: "ghcr.io/mayfly-ci/mayfly:test",
      ReadonlyRootFilesystem: true,
      PortMappings: [{ ContainerPort: 3000, Protocol: "tcp" }],
      MountPoints: [{ ContainerPath: "/tmp", SourceVolume: "tmp", ReadOnly: false }],
    });
    expect(taskDefinition?.Properties.RequiresCompatibilities).toEqual(["FARGATE"]);
  });

  it("sets the environment the app's config reads, with the stack name as the deployment id", () => {
    expect(env).toMatchObject({
      NODE_ENV: "production",
      HOST: "0.0.0.0",
      PORT: "3000",
      PUBLIC_URL: "https://mayfly.example.com",
      MAYFLY_DEPLOYMENT_ID: "Mayfly",
      MAYFLY_TRUSTED_PROXY_HOPS: "1",
      MAYFLY_RUNNER_PREFIX: "mayfly-",
      MAYFLY_LAUNCH_TEMPLATE_PREFIX: "Mayfly-",
      AWS_REGION: "us-east-1",
      AWS_ACCOUNT_ID: "123456789012",
      MAYFLY_QUEUE: "sqs",
      MAYFLY_SCALE_QUEUE_URL: { Ref: idOf("AWS::SQS::Queue", "QueuesScale") },
      MAYFLY_REAP_QUEUE_URL: { Ref: idOf("AWS::SQS::Queue", "QueuesReap") },
      MAYFLY_DEAD_LETTER_QUEUE_URL: { Ref: idOf("AWS::SQS::Queue", "QueuesDeadLetter") },
      MAYFLY_POOLS_FILE: "/tmp/mayfly/pools.json",
      MAYFLY_IDENTITY_CERT_PATH: "/tmp/mayfly/aws-identity-certificate.pem",
    });
    expect(String(env.MAYFLY_IDENTITY_CERT_CONTENT)).toContain("-----BEGIN CERTIFICATE-----");
  });

  it("ships a pool file the app accepts, pointing every pool at its template and the runner group", () => {
    const { file, problems } = parsePoolFile(deployedPoolText(), "pools.json");
    expect(problems).toEqual([]);
    expect(file?.pools.map((p) => [p.name, p.launchTemplate, p.securityGroups])).toEqual([
      ["linux-small", "Mayfly-linux-small", ["sg-0123456789abcdef0"]],
      ["linux-large", "Mayfly-linux-large", ["sg-0123456789abcdef0"]],
      ["arm-public", "Mayfly-arm-public", ["sg-0123456789abcdef0"]],
    ]);
    expect(file?.prices["t3.medium"]).toEqual({ onDemand: 0.0416, spot: 0.0125 });
  });

  it("gives the app a configuration src/config.ts accepts, once CloudFormation and ECS fill in the values", () => {
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const secrets: Record<string, string> = {
      APP_ID: "12345",
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: "w".repeat(64),
      GITHUB_CLIENT_ID: "Iv1.0123456789abcdef",
      GITHUB_CLIENT_SECRET: "c".repeat(40),
      MAYFLY_BOOTSTRAP_KEY: "b".repeat(64),
      MAYFLY_SESSION_KEY: "s".repeat(64),
      MAYFLY_DASHBOARD_TOKEN: "d".repeat(64),
    };
    // Queue URLs are Refs until CloudFormation resolves them.
    const filled = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [
        k,
        typeof v === "string" ? v : `https://sqs.us-east-1.amazonaws.com/123456789012/${k}`,
      ]),
    );
    // What infra/docker-entrypoint.sh does: contents become files, and the *_CONTENT variables go away.
    const files: Record<string, string> = {
      [String(env.MAYFLY_POOLS_FILE)]: deployedPoolText(),
      [String(env.MAYFLY_IDENTITY_CERT_PATH)]: String(env.MAYFLY_IDENTITY_CERT_CONTENT),
    };
    delete filled.MAYFLY_POOLS_CONTENT;
    delete filled.MAYFLY_IDENTITY_CERT_CONTENT;
    const config = loadConfig({
      env: { ...filled, ...secrets },
      readFile: (path) => {
        const text = files[path];
        if (text === undefined) throw new Error(`ENOENT ${path}`);
        return text;
      },
    });
    expect(config).toMatchObject({
      deploymentId: "Mayfly",
      launchTemplatePrefix: "Mayfly-",
      publicUrl: "https://mayfly.example.com",
      aws: { region: "us-east-1", accountId: "123456789012" },
      queue: { kind: "sqs" },
    });
    expect(config.pools.map((p) => p.name)).toEqual(["linux-small", "linux-large", "arm-public"]);
  });

  it("keeps its logs for 90 days", () => {
    const [group] = Object.values(resources("AWS::Logs::LogGroup"));
    expect(group?.Properties.RetentionInDays).toBe(90);
    expect(container.LogConfiguration).toMatchObject({
      LogDriver: "awslogs",
      Options: { "awslogs-group": { Ref: idOf("AWS::Logs::LogGroup", "AppLogs") } },
    });
  });

  it("runs two private tasks with rollback on failed deployments", () => {
    const [service] = Object.values(resources("AWS::ECS::Service"));
    expect(service?.Properties).toMatchObject({
      DesiredCount: 2,
      LaunchType: "FARGATE",
      DeploymentConfiguration: {
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
      },
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: "DISABLED" } },
    });
  });

  it("is reachable only through the HTTPS listener, health-checked on /healthz", () => {
    const [listener] = Object.values(resources("AWS::ElasticLoadBalancingV2::Listener"));
    expect(listener?.Properties).toMatchObject({
      Port: 443,
      Protocol: "HTTPS",
      SslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      Certificates: [
        {
          CertificateArn:
            "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000000",
        },
      ],
    });
    const [target] = Object.values(resources("AWS::ElasticLoadBalancingV2::TargetGroup"));
    expect(target?.Properties).toMatchObject({
      Port: 3000,
      Protocol: "HTTP",
      HealthCheckPath: "/healthz",
      TargetType: "ip",
    });
    const [balancer] = Object.values(resources("AWS::ElasticLoadBalancingV2::LoadBalancer"));
    expect(balancer?.Properties.Scheme).toBe("internet-facing");
    expect(balancer?.Properties.LoadBalancerAttributes).toEqual(
      expect.arrayContaining([
        { Key: "routing.http.drop_invalid_header_fields.enabled", Value: "true" },
        { Key: "access_logs.s3.enabled", Value: "true" },
      ]),
    );
  });

  it("lets in only HTTPS at the load balancer, and only the load balancer at the tasks", () => {
    const groups = resources("AWS::EC2::SecurityGroup");
    const ingress =
      groups[idOf("AWS::EC2::SecurityGroup", "IngressSecurityGroup")]?.Properties.SecurityGroupIngress;
    expect(ingress).toEqual([
      expect.objectContaining({ CidrIp: "0.0.0.0/0", FromPort: 443, ToPort: 443, IpProtocol: "tcp" }),
    ]);
    const toTasks = Object.values(resources("AWS::EC2::SecurityGroupIngress"));
    expect(toTasks.map((r) => r.Properties)).toEqual([
      expect.objectContaining({
        FromPort: 3000,
        ToPort: 3000,
        GroupId: { "Fn::GetAtt": [idOf("AWS::EC2::SecurityGroup", "AppSecurityGroup"), "GroupId"] },
        SourceSecurityGroupId: {
          "Fn::GetAtt": [idOf("AWS::EC2::SecurityGroup", "IngressSecurityGroup"), "GroupId"],
        },
      }),
    ]);
    expect(
      groups[idOf("AWS::EC2::SecurityGroup", "AppSecurityGroup")]?.Properties.SecurityGroupEgress,
    ).toEqual([
      expect.objectContaining({ CidrIp: "0.0.0.0/0", FromPort: 443, ToPort: 443, IpProtocol: "tcp" }),
    ]);
  });

  it("keeps access logs in a private, TLS-only, encrypted bucket", () => {
    const [bucket] = Object.values(resources("AWS::S3::Bucket"));
    expect(bucket?.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });
});

describe("outputs", () => {
  it("tell the admin where to point GitHub and where to put the App's credentials", () => {
    const outputs = template.toJSON().Outputs;
    expect(outputs.WebhookUrl.Value).toBe("https://mayfly.example.com/api/github/webhooks");
    expect(outputs.GithubAppSecretArn.Value).toEqual({
      Ref: idOf("AWS::SecretsManager::Secret", "SecretsGithubApp"),
    });
    expect(outputs.DeployRoleArn).toBeDefined();
  });
});
