import { dirname, isAbsolute, resolve } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { ConfigError } from "../../src/errors.js";
import { RUNNER_SECURITY_GROUP_MODES } from "./deployed-pool-file.js";

/**
 * The deployment's one settings file (`mayfly.deploy.yml`, YAML or JSON; mayfly.deploy.example.yml),
 * read by `npm run deploy` instead of a row of `-c mayfly:<key>` flags. Checked with zod, every problem
 * at once, then turned into the same `mayfly:<key>` values readSettings already reads, so both ways
 * stay one code path. Paths in the file are relative to the file.
 */
const id = (pattern: RegExp, example: string) => z.string().regex(pattern, `must look like ${example}`);
const subnet = id(/^subnet-[0-9a-f]{8,17}$/, "subnet-0123456789abcdef0");

const schema = z.strictObject({
  pools: z.string().min(1),
  account: id(/^\d{12}$/, "123456789012"),
  region: id(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "us-east-1"),
  domain: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, "must be a host name, e.g. mayfly.example.com"),
  hostedZone: z.strictObject({ id: z.string().min(1), name: z.string().min(1).optional() }).optional(),
  certificateArn: z.string().startsWith("arn:").optional(),
  vpc: z
    .strictObject({
      id: id(/^vpc-[0-9a-f]{8,17}$/, "vpc-0123456789abcdef0"),
      loadBalancerSubnets: z.array(subnet).min(2),
      appSubnets: z.array(subnet).min(1),
    })
    .optional(),
  natGateways: z.union([z.literal(1), z.literal(2)]).optional(),
  identityCertificate: z.string().min(1).optional(),
  stackName: z.string().optional(),
  image: z.string().optional(),
  replicas: z.number().int().min(0).optional(),
  runnerPrefix: z.string().optional(),
  runnerEgressPorts: z.array(z.number().int().min(1).max(65_535)).optional(),
  runnerSecurityGroups: z.enum(RUNNER_SECURITY_GROUP_MODES).optional(),
  ssmSessionManager: z.boolean().optional(),
  ingressCidrs: z.array(z.string()).optional(),
  alarmEmail: z.email().optional(),
  logRetentionDays: z.number().int().optional(),
  deploy: z
    .strictObject({
      repository: z.string(),
      branch: z.string().optional(),
      environment: z.string().optional(),
      tag: z.string().optional(),
      oidcProviderArn: z.string().optional(),
    })
    .optional(),
});

export type DeployFile = z.infer<typeof schema>;

/** The file's settings as `mayfly:<key>` context values. */
export function readDeployFile(text: string, path: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new ConfigError([
      { key: path, problem: `is not YAML (${(error as Error).message})`, fix: "fix the syntax" },
    ]);
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        key: `${path}: ${issue.path.join(".") || "(file)"}`,
        problem: issue.message,
        fix: "see mayfly.deploy.example.yml",
      })),
    );
  }
  const f = result.data;
  const relative = (p: string | undefined) =>
    p === undefined || isAbsolute(p) ? p : resolve(dirname(path), p);
  const values: Record<string, unknown> = {
    pools: relative(f.pools),
    account: f.account,
    region: f.region,
    domain: f.domain,
    hostedZoneId: f.hostedZone?.id,
    hostedZoneName: f.hostedZone?.name,
    certificateArn: f.certificateArn,
    vpcId: f.vpc?.id,
    loadBalancerSubnets: f.vpc?.loadBalancerSubnets,
    appSubnets: f.vpc?.appSubnets,
    natGateways: f.natGateways,
    identityCertificate: relative(f.identityCertificate),
    stackName: f.stackName,
    image: f.image,
    replicas: f.replicas,
    runnerPrefix: f.runnerPrefix,
    runnerEgressPorts: f.runnerEgressPorts,
    runnerSecurityGroups: f.runnerSecurityGroups,
    ssmSessionManager: f.ssmSessionManager,
    ingressCidrs: f.ingressCidrs,
    alarmEmail: f.alarmEmail,
    logRetentionDays: f.logRetentionDays,
    deployRepository: f.deploy?.repository,
    deployBranch: f.deploy?.branch,
    deployEnvironment: f.deploy?.environment,
    deployTag: f.deploy?.tag,
    oidcProviderArn: f.deploy?.oidcProviderArn,
  };
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [`mayfly:${k}`, v]),
  );
}
