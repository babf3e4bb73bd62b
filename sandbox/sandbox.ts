import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EC2Client } from "@aws-sdk/client-ec2";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { type AgentFleet, attachAgents } from "../emulators/src/agent/agent-fleet.js";
import type { AgentBehaviour } from "../emulators/src/agent/runner-agent.js";
import {
  type Ec2Emulator,
  type Ec2EmulatorOptions,
  type EmulatedInstance,
  startEc2Emulator,
} from "../emulators/src/ec2/emulator.js";
import { defaultAmiFor } from "../emulators/src/ec2/ids.js";
import { createEventBus, type EventBus } from "../emulators/src/eventbridge/event-bus.js";
import {
  type GitHubEmulator,
  type GitHubEmulatorOptions,
  startGitHubEmulator,
} from "../emulators/src/github/emulator.js";
import type { RegisteredApp } from "../emulators/src/github/types.js";
import {
  type SqsEmulator,
  type SqsEmulatorOptions,
  startSqsEmulator,
} from "../emulators/src/sqs/emulator.js";
import { type SsmEmulator, startSsmEmulator } from "../emulators/src/ssm/emulator.js";
import { parsePoolFile } from "../src/pool-file.js";
import { SandboxClock } from "./clock.js";
import { SANDBOX_POOLS_YAML, SANDBOX_REPOS } from "./sandbox-pools.js";

/**
 * The whole outside world on loopback: GitHub, EC2 (with IMDS and simulated runner agents) and SQS
 * emulators, an org `acme` with repositories, the App registered and installed, and the FIFO queues.
 * Integration tests, `npm run demo` and `npm run bench` all start from here.
 */
export interface SandboxOptions {
  bootDelayMs?: number;
  shutdownDelayMs?: number;
  ec2?: Partial<Ec2EmulatorOptions>;
  github?: GitHubEmulatorOptions;
  sqsLatencyMs?: number;
  sqs?: Partial<SqsEmulatorOptions>;
  poolsYaml?: string;
  agentBehaviour?: (instance: EmulatedInstance) => AgentBehaviour;
  agentPollWaitMs?: number;
  /**
   * Deliver EC2's events (spot interruption warnings, rebalance recommendations, terminations) to the
   * reap queue as the stack's EventBridge rules do. Default true, as in a deployment; false leaves the
   * reap queue to the app's own messages.
   */
  ec2Events?: boolean;
}

export interface Sandbox {
  ec2: Ec2Emulator;
  sqs: SqsEmulator;
  /** Holds the pools' image parameters, the AMIs EC2's `resolve:ssm:` launches from. */
  ssm: SsmEmulator;
  github: GitHubEmulator;
  agents: AgentFleet;
  /** EC2's events delivered to the reap queue as the stack's EventBridge rules do (infra/lib/ec2-instance-events.ts). */
  events: EventBus;
  clock: SandboxClock;
  app: RegisteredApp;
  org: string;
  installationId: number;
  queues: { scale: string; reap: string; deadLetter: string };
  /** The environment a Mayfly process needs to run against this sandbox (loadConfig input). */
  env(overrides?: Record<string, string>): Promise<Record<string, string>>;
  ec2Client(options?: { maxAttempts?: number }): EC2Client;
  sqsClient(): SQSClient;
  ssmClient(): SSMClient;
  stop(): Promise<void>;
}

const CREDENTIALS = { accessKeyId: "sandbox", secretAccessKey: "sandbox" };

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock = new SandboxClock();
  const dir = mkdtempSync(join(tmpdir(), "mayfly-sandbox-"));
  const poolsYaml = options.poolsYaml ?? SANDBOX_POOLS_YAML;
  const [ec2, sqs, github, ssm] = await Promise.all([
    startEc2Emulator({
      bootDelayMs: options.bootDelayMs ?? 300,
      shutdownDelayMs: options.shutdownDelayMs ?? 100,
      now: clock.now,
      ...options.ec2,
    }),
    startSqsEmulator({ latencyMs: options.sqsLatencyMs, ...options.sqs }),
    startGitHubEmulator(options.github),
    startSsmEmulator({ parameters: imageParameters(poolsYaml, options.ec2?.ssmParameters) }),
  ]);
  const org = "acme";
  const webhookSecret = randomBytes(24).toString("hex");
  const app = github.registerApp({ name: "Mayfly (sandbox)", webhookSecret, events: ["workflow_job"] });
  github.addOrg(org);
  for (const repo of SANDBOX_REPOS)
    github.addRepo({ owner: org, name: repo.name, visibility: repo.visibility });
  github.addRunnerGroup(org, {
    name: "public-oss",
    visibility: "selected",
    selectedRepositories: ["sdk"],
    allowsPublicRepositories: true,
  });
  github.addUser({ login: "octo-admin", orgs: { [org]: "admin" } });
  github.addUser({ login: "octo-member", orgs: { [org]: "member" } });
  const { installationId } = github.installApp(app.id, org);

  const deadLetter = await sqs.createQueue("mayfly-dead-letter.fifo", { FifoQueue: "true" });
  const dlqArn = `arn:aws:sqs:${sqs.region}:${sqs.accountId}:mayfly-dead-letter.fifo`;
  const redrive = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1000 });
  const queueAttributes = { FifoQueue: "true", VisibilityTimeout: "60", RedrivePolicy: redrive };
  const scale = await sqs.createQueue("mayfly-scale.fifo", queueAttributes);
  // Content-based dedup: EventBridge's EC2 events arrive with no dedup id (infra/lib/work-queues.ts).
  const reap = await sqs.createQueue("mayfly-reap.fifo", {
    ...queueAttributes,
    ContentBasedDeduplication: "true",
  });
  const events = createEventBus({
    rules: [
      {
        name: "ec2-notices",
        pattern: {
          source: ["aws.ec2"],
          "detail-type": ["EC2 Spot Instance Interruption Warning", "EC2 Instance Rebalance Recommendation"],
        },
        targets: [{ queueUrl: reap, messageGroupId: "ec2-events" }],
      },
    ],
  });
  const offEvents = (options.ec2Events ?? true) ? ec2.onEvent((event) => events.put(event)) : () => undefined;

  const poolsFile = join(dir, "pools.yml");
  writeFileSync(poolsFile, poolsYaml);
  const certFile = join(dir, "identity-cert.pem");
  writeFileSync(certFile, ec2.identityCertificatePem);
  const agents = attachAgents(ec2, {
    behaviour: options.agentBehaviour,
    pollWaitMs: options.agentPollWaitMs,
  });
  const secrets = {
    bootstrapKey: randomBytes(48).toString("base64"),
    sessionKey: randomBytes(48).toString("base64"),
    dashboardToken: randomBytes(32).toString("base64url"),
    metricsToken: randomBytes(32).toString("base64url"),
  };

  return {
    ec2,
    sqs,
    ssm,
    github,
    agents,
    events,
    clock,
    app,
    org,
    installationId,
    queues: { scale, reap, deadLetter },
    async env(overrides = {}) {
      const port = overrides.PORT ?? String(await freePort());
      return {
        NODE_ENV: "test",
        HOST: "127.0.0.1",
        PORT: port,
        // The sandbox's own switch (tests are quiet unless asked): MAYFLY_SANDBOX_LOG_LEVEL=debug.
        LOG_LEVEL: process.env.MAYFLY_SANDBOX_LOG_LEVEL ?? "silent",
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        MAYFLY_POOLS_FILE: poolsFile,
        APP_ID: String(app.id),
        PRIVATE_KEY: app.privateKeyPem,
        WEBHOOK_SECRET: webhookSecret,
        GITHUB_API_URL: github.url,
        GITHUB_WEB_URL: github.url,
        GITHUB_CLIENT_ID: app.clientId,
        GITHUB_CLIENT_SECRET: app.clientSecret,
        AWS_REGION: ec2.region,
        // For a Mayfly process of its own (npm start, src/main.ts): the SDK's standard environment.
        AWS_ENDPOINT_URL_EC2: ec2.url,
        AWS_ENDPOINT_URL_SQS: sqs.url,
        AWS_ENDPOINT_URL_SSM: ssm.url,
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        AWS_ACCOUNT_ID: ec2.accountId,
        MAYFLY_QUEUE: "sqs",
        MAYFLY_SCALE_QUEUE_URL: scale,
        MAYFLY_REAP_QUEUE_URL: reap,
        MAYFLY_DEAD_LETTER_QUEUE_URL: deadLetter,
        MAYFLY_IDENTITY_CERT_PATH: certFile,
        MAYFLY_BOOTSTRAP_KEY: secrets.bootstrapKey,
        MAYFLY_SESSION_KEY: secrets.sessionKey,
        MAYFLY_DASHBOARD_TOKEN: secrets.dashboardToken,
        MAYFLY_METRICS_TOKEN: secrets.metricsToken,
        MAYFLY_RECHECK_INTERVAL: "10s",
        MAYFLY_SWEEP_INTERVAL: "5s",
        MAYFLY_LAUNCH_BATCH_WINDOW: "20",
        ...overrides,
      };
    },
    ec2Client: (o = {}) =>
      new EC2Client({
        endpoint: ec2.url,
        region: ec2.region,
        credentials: CREDENTIALS,
        maxAttempts: o.maxAttempts ?? 1,
      }),
    sqsClient: () => new SQSClient({ endpoint: sqs.url, region: sqs.region, credentials: CREDENTIALS }),
    ssmClient: () =>
      new SSMClient({ endpoint: ssm.url, region: ec2.region, credentials: CREDENTIALS, maxAttempts: 1 }),
    async stop() {
      agents.stop();
      offEvents();
      events.stop();
      await Promise.all([ec2.stop(), sqs.stop(), github.stop(), ssm.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Each pool's image parameter, holding the AMI the EC2 emulator resolves it to (given, or its default). */
function imageParameters(poolsYaml: string, given?: Record<string, string>): Record<string, string> {
  const pools = parsePoolFile(poolsYaml, "pools").file?.pools ?? [];
  const paths = pools.flatMap((p) => (typeof p.image === "string" ? [] : [p.image.ssmParameter]));
  return Object.fromEntries(
    paths.map((path) => [path, given ? given[path] : defaultAmiFor(path)]).filter(([, v]) => v),
  );
}

/** A free loopback port, so PUBLIC_URL is known before the app listens. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
