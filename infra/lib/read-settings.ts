import * as logs from "aws-cdk-lib/aws-logs";
import { ConfigError, type ConfigProblem } from "../../src/errors.js";
import { parsePoolFile } from "../../src/pool-file.js";
import { RUNNER_SECURITY_GROUP_MODES, type RunnerSecurityGroupMode } from "./deployed-pool-file.js";
import type { GithubOidcRoleProps } from "./github-oidc-role.js";
import { bundledIdentityCertificate } from "./identity-certificates.js";
import { readImageSettings } from "./image-settings.js";
import type { MayflyStackProps } from "./mayfly-stack.js";

/** Where the container image comes from: built from the repo's Dockerfile by `cdk deploy`, or pulled. */
export type ImageSource = { directory: string } | { uri: string };

export interface Settings {
  stackName: string;
  example: boolean;
  image: ImageSource;
  props: Omit<MayflyStackProps, "image">;
}

export interface ReadSettingsOptions {
  /** `app.node.tryGetContext`: values from `-c key=value` (strings) or cdk.json (any JSON). */
  context: (key: string) => unknown;
  readFile: (path: string) => string;
  /** The repository root: the Docker build context and where the example files live. */
  root: string;
}

/**
 * Turns CDK context (`-c mayfly:<key>=…`) into stack props. Without `mayfly:pools` it builds the
 * example deployment (mayfly.example.yml, a placeholder account, VPC and domain) so `npm run synth`
 * works offline; that example cannot be deployed (the account is not real). With `mayfly:pools`,
 * every required key must be given, and all missing ones are reported at once.
 */
export function readSettings({ context, readFile, root }: ReadSettingsOptions): Settings {
  const problems: ConfigProblem[] = [];
  const text = (key: string): string | undefined => {
    const value = context(`mayfly:${key}`);
    return value === undefined || value === null || value === "" ? undefined : String(value);
  };
  const list = (key: string): string[] | undefined => {
    const value = context(`mayfly:${key}`);
    if (Array.isArray(value)) return value.map(String);
    return text(key)
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  };
  const flag = (key: string) => ["true", "1", "yes"].includes(text(key)?.toLowerCase() ?? "");
  const example = text("pools") === undefined;
  const required = (key: string, fallback: string): string => {
    const value = example ? fallback : text(key);
    if (value === undefined)
      problems.push({ key: `mayfly:${key}`, problem: "is missing", fix: FIXES[key] ?? "" });
    return value ?? "";
  };
  const requiredList = (key: string, fallback: string[]): string[] => {
    const value = example ? fallback : list(key);
    if (!value?.length) problems.push({ key: `mayfly:${key}`, problem: "is missing", fix: FIXES[key] ?? "" });
    return value ?? [];
  };

  const numbers = (key: string, fallback: number[]) => {
    const values = (list(key) ?? fallback.map(String)).map(Number);
    if (values.some((n) => !Number.isInteger(n))) {
      problems.push({
        key: `mayfly:${key}`,
        problem: "holds something that is not a whole number",
        fix: "e.g. 443,80",
      });
    }
    return values;
  };
  const poolsPath = text("pools") ?? `${root}/mayfly.example.yml`;
  const account = required("account", "123456789012");
  const region = required("region", "us-east-1");
  // Not given: AWS's certificate for the region, bundled in infra/identity-certificates/.
  const bundled = region ? bundledIdentityCertificate(region) : undefined;
  const identityPath = example
    ? `${root}/emulators/src/ec2/identity-emulator.cert.pem`
    : (text("identityCertificate") ?? bundled);
  if (identityPath === undefined && region) {
    problems.push({
      key: "mayfly:identityCertificate",
      problem: `is missing, and no certificate is bundled for ${region}`,
      fix: "save AWS's RSA certificate for the region and give its path (docs/identity-certificates.md)",
    });
  }
  // No VPC given: the stack creates one (infra/lib/created-network.ts); subnets then come with it.
  const vpcId = example ? "vpc-0a1b2c3d4e5f60000" : text("vpcId");
  const [natGateways] = numbers("natGateways", [1]);
  const network = vpcId
    ? {
        vpcId,
        loadBalancerSubnetIds: requiredList("loadBalancerSubnets", [
          "subnet-0a1b2c3d4e5f60101",
          "subnet-0a1b2c3d4e5f60102",
        ]),
        appSubnetIds: requiredList("appSubnets", ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]),
      }
    : { create: { natGateways: natGateways ?? 1 } };
  const domainName = required("domain", "mayfly.example.com");
  const hostedZone = text("hostedZoneId")
    ? { id: text("hostedZoneId") ?? "", name: text("hostedZoneName") ?? domainName }
    : undefined;
  // With a hosted zone and no certificate, the stack requests one and validates it by DNS.
  const certificateArn = hostedZone
    ? text("certificateArn")
    : required(
        "certificateArn",
        "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000000",
      );
  const mode = text("runnerSecurityGroups") ?? "stack-only";
  if (!(RUNNER_SECURITY_GROUP_MODES as readonly string[]).includes(mode)) {
    problems.push({
      key: "mayfly:runnerSecurityGroups",
      problem: `is ${mode}`,
      fix: RUNNER_SECURITY_GROUP_MODES.join(" or "),
    });
  }
  const [replicas] = numbers("replicas", [2]);
  const [retentionDays] = numbers("logRetentionDays", [90]);
  if (!(Object.values(logs.RetentionDays) as unknown[]).includes(retentionDays)) {
    problems.push({
      key: "mayfly:logRetentionDays",
      problem: `is ${retentionDays}, which CloudWatch Logs does not offer`,
      fix: "use e.g. 30, 90, 180 or 365",
    });
  }
  const read = (key: string, path: string) => {
    try {
      return readFile(path);
    } catch (error) {
      problems.push({
        key: `mayfly:${key}`,
        problem: `cannot read ${path} (${(error as Error).message})`,
        fix: "check the path",
      });
      return undefined;
    }
  };
  const poolText = read("pools", poolsPath);
  const parsed = poolText === undefined ? { problems: [] } : parsePoolFile(poolText, poolsPath);
  problems.push(...parsed.problems);
  const identityCertificatePem = (identityPath && read("identityCertificate", identityPath)) || "";
  const deployRole = example ? { repository: "acme/mayfly-deploy", branch: "main" } : deployRoleFrom(text);
  const runnerEgressPorts = numbers("runnerEgressPorts", [443]);
  const imagePipeline = readImageSettings({
    text,
    list,
    appSubnetIds: "create" in network ? [] : network.appSubnetIds,
    problems,
  });
  if (problems.length > 0 || !parsed.file) throw new ConfigError(problems);

  const imageUri = text("image");
  return {
    stackName: text("stackName") ?? "Mayfly",
    example,
    image: imageUri ? { uri: imageUri } : { directory: root },
    props: {
      env: { account, region },
      pools: parsed.file,
      network,
      domainName,
      certificateArn,
      hostedZone,
      identityCertificatePem,
      replicas,
      runnerPrefix: text("runnerPrefix"),
      runnerEgressPorts,
      runnerSecurityGroups: mode as RunnerSecurityGroupMode,
      ssmSessionManager: flag("ssmSessionManager"),
      ingressCidrs: list("ingressCidrs"),
      alarmEmail: text("alarmEmail"),
      logRetention: retentionDays as logs.RetentionDays,
      rotateBootstrapKey: flag("rotateBootstrapKey"),
      deployRole,
      imagePipeline,
    },
  };
}

function deployRoleFrom(text: (key: string) => string | undefined): GithubOidcRoleProps | undefined {
  const repository = text("deployRepository");
  if (!repository) return undefined;
  return {
    repository,
    branch: text("deployBranch"),
    environment: text("deployEnvironment"),
    tag: text("deployTag"),
    providerArn: text("oidcProviderArn"),
  };
}

const FIXES: Record<string, string> = {
  account: "the 12-digit AWS account to deploy into",
  region: "the region to deploy into, e.g. us-east-1",
  vpcId: "the VPC the app and runners live in (vpc-…); leave it out to have one created",
  loadBalancerSubnets: "comma-separated public subnets (two AZs) for the load balancer",
  appSubnets: "comma-separated private subnets (with NAT) for the app tasks",
  domain: "the host name GitHub and runners reach the app at, e.g. mayfly.example.com",
  certificateArn:
    "the ACM certificate ARN for that host name, in the same region; or give hostedZoneId to have one created",
  identityCertificate:
    "path to AWS's RSA instance-identity certificate for the region (docs/identity-certificates.md)",
};
