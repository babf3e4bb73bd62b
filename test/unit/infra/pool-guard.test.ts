import { App } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { MayflyStack } from "../../../infra/lib/mayfly-stack.js";
import { assertDeployablePools, loadPoolFile } from "../../../infra/lib/pool-guard.js";
import { readSettings } from "../../../infra/lib/read-settings.js";
import { ConfigError } from "../../../src/errors.js";
import type { Pool, PoolFile } from "../../../src/pool-file.js";
import { exampleProps, pools } from "./fixtures.js";

const name = (pool: string) => `Mayfly-${pool}`;
const base = pools(`
  - name: small
    labels: [linux]
    instanceTypes: [t3.small]
    image: ami-0123456789abcdef0
    subnets: [subnet-00000000000000001]
    securityGroups: [sg-00000000000000001]
    maxRunners: 1
`);
const withPool = (change: Partial<Pool> | Record<string, unknown>): PoolFile => ({
  ...base,
  pools: [{ ...base.pools[0], ...change } as Pool],
});
const problemsOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.key}: ${p.problem}`);
    throw error;
  }
  return [];
};

const YAML_WITHOUT_SUBNETS = `version: 1
pools:
  - name: small
    labels: [linux]
    instanceTypes: [t3.small]
    image: ami-0123456789abcdef0
    securityGroups: [sg-00000000000000001]
    maxRunners: 1
`;

describe("the stack refuses a pool without subnets", () => {
  it.each([
    ["an empty list", []],
    ["no list at all", undefined],
  ])("built in code with %s", (_, subnets) => {
    const props = exampleProps();
    const broken = {
      ...props.pools,
      pools: props.pools.pools.map((p, i) => (i === 1 ? ({ ...p, subnets } as unknown as Pool) : p)),
    };
    const build = () => new MayflyStack(new App(), "Mayfly", { ...props, pools: broken });
    expect(build).toThrow(ConfigError);
    expect(problemsOf(build)).toEqual(['pool "linux-large": subnets: is missing or empty']);
  });

  it("read from YAML that lacks subnets", () => {
    expect(problemsOf(() => loadPoolFile(YAML_WITHOUT_SUBNETS, "pools.yml"))).toEqual([
      'pools.yml: pool "small": subnets: is missing',
    ]);
  });

  it("given to the CDK app as mayfly:pools", () => {
    const context: Record<string, string> = {
      "mayfly:pools": "/etc/pools.yml",
      "mayfly:identityCertificate": "/etc/cert.pem",
      "mayfly:account": "123456789012",
      "mayfly:region": "us-east-1",
      "mayfly:vpcId": "vpc-0a1b2c3d4e5f60000",
      "mayfly:loadBalancerSubnets": "subnet-0a1b2c3d4e5f60101,subnet-0a1b2c3d4e5f60102",
      "mayfly:appSubnets": "subnet-0a1b2c3d4e5f60001",
      "mayfly:domain": "mayfly.example.com",
      "mayfly:certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x",
    };
    const read = () =>
      readSettings({
        context: (key) => context[key],
        readFile: (path) => (path === "/etc/pools.yml" ? YAML_WITHOUT_SUBNETS : "PEM"),
        root: "/repo",
      });
    expect(problemsOf(read)).toEqual(['/etc/pools.yml: pool "small": subnets: is missing']);
  });
});

describe("assertDeployablePools", () => {
  it("accepts a valid pool, also one that already names the stack's template", () => {
    expect(() => assertDeployablePools(base, name)).not.toThrow();
    expect(() => assertDeployablePools(withPool({ launchTemplate: "Mayfly-small" }), name)).not.toThrow();
  });

  it.each<[string, PoolFile, string]>([
    ["no pools", { ...base, pools: [] }, "pools: is empty"],
    [
      "a subnet that is not an id",
      withPool({ subnets: ["10.0.0.0/24"] }),
      'pool "small": subnets: holds something',
    ],
    [
      "a group that is not an id",
      withPool({ securityGroups: ["web"] }),
      'pool "small": securityGroups: holds something',
    ],
    [
      "its own instance profile",
      withPool({ instanceProfile: "admin" }),
      'pool "small": instanceProfile: is set',
    ],
    [
      "another launch template",
      withPool({ launchTemplate: "mine" }),
      'pool "small": launchTemplate: is mine',
    ],
    [
      "a KMS alias",
      withPool({ volume: { ...base.pools[0]!.volume, kmsKeyId: "alias/ebs" } }),
      'pool "small": volume.kmsKeyId: is not a KMS key id',
    ],
    ["a bad name", withPool({ name: "Big Pool" }), 'pool "Big Pool": name: is not a lower-case name'],
    [
      "a duplicate name",
      { ...base, pools: [base.pools[0]!, base.pools[0]!] },
      "pool #2: name: duplicates pool small",
    ],
  ])("refuses %s", (_, file, problem) => {
    const problems = problemsOf(() => assertDeployablePools(file, name));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(problem);
  });

  it("reports every problem at once", () => {
    const file = withPool({ subnets: [], instanceProfile: "admin", launchTemplate: "mine" });
    expect(
      problemsOf(() => assertDeployablePools(file, name)).map((p) => p.split(": ").slice(0, 2).join(": ")),
    ).toEqual(['pool "small": subnets', 'pool "small": instanceProfile', 'pool "small": launchTemplate']);
  });
});
