import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readSettings } from "../../../infra/lib/read-settings.js";
import { ConfigError } from "../../../src/errors.js";
import { ROOT } from "./fixtures.js";

const EXAMPLE_POOLS = readFileSync(`${ROOT}/mayfly.example.yml`, "utf8");
const REQUIRED = {
  "mayfly:pools": "/etc/mayfly/pools.yml",
  "mayfly:identityCertificate": "/etc/mayfly/aws-us-west-2.pem",
  "mayfly:account": "210987654321",
  "mayfly:region": "us-west-2",
  "mayfly:vpcId": "vpc-0fedcba9876543210",
  "mayfly:loadBalancerSubnets": "subnet-0aaaaaaaaaaaaaaa1, subnet-0aaaaaaaaaaaaaaa2",
  "mayfly:appSubnets": "subnet-0bbbbbbbbbbbbbbb1",
  "mayfly:domain": "runners.acme.dev",
  "mayfly:certificateArn": "arn:aws:acm:us-west-2:210987654321:certificate/abc",
};
const files: Record<string, string> = {
  "/etc/mayfly/pools.yml": EXAMPLE_POOLS,
  "/etc/mayfly/aws-us-west-2.pem": "-----BEGIN CERTIFICATE-----",
};
const read = (context: Record<string, unknown>) =>
  readSettings({
    context: (key) => context[key],
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error("ENOENT");
      return text;
    },
    root: "/repo",
  });
const problems = (context: Record<string, unknown>) => {
  try {
    read(context);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.key}: ${p.problem}`);
    throw error;
  }
  return [];
};

describe("readSettings", () => {
  it("builds the example deployment from the repository when no pool file is given", () => {
    const settings = readSettings({
      context: () => undefined,
      readFile: (path) => readFileSync(path, "utf8"),
      root: ROOT,
    });
    expect(settings.example).toBe(true);
    expect(settings.stackName).toBe("Mayfly");
    expect(settings.image).toEqual({ directory: ROOT });
    expect(settings.props.env).toEqual({ account: "123456789012", region: "us-east-1" });
    expect(settings.props.pools.pools.map((p) => p.name)).toEqual([
      "linux-small",
      "linux-large",
      "arm-public",
    ]);
    expect(settings.props.deployRole).toEqual({ repository: "acme/mayfly-deploy", branch: "main" });
  });

  it("reads a real deployment from context", () => {
    const settings = read({
      ...REQUIRED,
      "mayfly:stackName": "MayflyProd",
      "mayfly:image": "123.dkr.ecr.us-west-2.amazonaws.com/mayfly:1.0.0",
      "mayfly:replicas": "3",
      "mayfly:runnerEgressPorts": "443,80",
      "mayfly:runnerSecurityGroups": "stack-and-pool",
      "mayfly:ssmSessionManager": "true",
      "mayfly:ingressCidrs": ["192.30.252.0/22", "10.0.0.0/8"],
      "mayfly:logRetentionDays": "30",
      "mayfly:deployRepository": "acme/infra",
      "mayfly:deployEnvironment": "production",
    });
    expect(settings.example).toBe(false);
    expect(settings.stackName).toBe("MayflyProd");
    expect(settings.image).toEqual({ uri: "123.dkr.ecr.us-west-2.amazonaws.com/mayfly:1.0.0" });
    expect(settings.props).toMatchObject({
      env: { account: "210987654321", region: "us-west-2" },
      network: {
        vpcId: "vpc-0fedcba9876543210",
        loadBalancerSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
        appSubnetIds: ["subnet-0bbbbbbbbbbbbbbb1"],
      },
      domainName: "runners.acme.dev",
      identityCertificatePem: "-----BEGIN CERTIFICATE-----",
      replicas: 3,
      runnerEgressPorts: [443, 80],
      runnerSecurityGroups: "stack-and-pool",
      ssmSessionManager: true,
      ingressCidrs: ["192.30.252.0/22", "10.0.0.0/8"],
      logRetention: 30,
      rotateBootstrapKey: false,
      deployRole: { repository: "acme/infra", environment: "production" },
    });
  });

  it("lists every missing setting at once", () => {
    // No vpcId: a VPC is created; no identityCertificate: the region's bundled one (once a region is given).
    expect(problems({ "mayfly:pools": "/etc/mayfly/pools.yml" })).toEqual([
      "mayfly:account: is missing",
      "mayfly:region: is missing",
      "mayfly:domain: is missing",
      "mayfly:certificateArn: is missing",
    ]);
    expect(
      problems({ "mayfly:pools": "/etc/mayfly/pools.yml", "mayfly:vpcId": "vpc-0fedcba9876543210" }),
    ).toContain("mayfly:appSubnets: is missing");
  });

  it.each([
    ["mayfly:runnerSecurityGroups", "pool-only", "mayfly:runnerSecurityGroups: is pool-only"],
    ["mayfly:logRetentionDays", "45", "mayfly:logRetentionDays: is 45, which CloudWatch Logs does not offer"],
    [
      "mayfly:runnerEgressPorts",
      "https",
      "mayfly:runnerEgressPorts: holds something that is not a whole number",
    ],
    ["mayfly:pools", "/nowhere.yml", "mayfly:pools: cannot read /nowhere.yml (ENOENT)"],
  ])("refuses %s=%s", (key, value, problem) => {
    expect(problems({ ...REQUIRED, [key]: value })).toEqual([problem]);
  });
});
