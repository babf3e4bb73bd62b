import { X509Certificate } from "node:crypto";
import { ConfigError, type ConfigProblem } from "../../src/errors.js";
import type { MayflyStackProps } from "./mayfly-stack.js";

/**
 * Checks the stack's own settings before anything is built, reporting every problem at once
 * (pools are checked by pool-guard.ts).
 */
export function checkStackProps(stackName: string, props: MayflyStackProps): void {
  const problems: ConfigProblem[] = [];
  const check = (ok: boolean, key: string, problem: string, fix: string) => {
    if (!ok) problems.push({ key, problem, fix });
  };
  check(
    /^[A-Za-z][A-Za-z0-9-]{0,62}$/.test(stackName),
    "stackName",
    `is ${stackName}, which cannot be the deployment id (mayfly:managed-by tag)`,
    "use at most 63 letters, digits and dashes, starting with a letter",
  );
  if (!("create" in props.network)) {
    const network = props.network;
    check(/^vpc-[0-9a-f]{8,17}$/.test(network.vpcId), "vpcId", "is not a VPC id", "use vpc-…");
    for (const key of ["loadBalancerSubnetIds", "appSubnetIds"] as const) {
      const ids = network[key];
      check(
        ids.length > 0 && ids.every((s) => /^subnet-[0-9a-f]{8,17}$/.test(s)),
        key,
        "is empty or holds something that is not a subnet id",
        key === "appSubnetIds"
          ? "list private subnets (with NAT) for the app tasks"
          : "list public subnets in two AZs",
      );
    }
  } else {
    const nat = props.network.create.natGateways;
    check([1, 2].includes(nat), "natGateways", `is ${nat}`, "use 1 (cheaper) or 2 (one per AZ)");
  }
  check(
    /^[a-z0-9.-]+\.[a-z]{2,}$/.test(props.domainName),
    "domainName",
    "is not a host name",
    "e.g. mayfly.example.com",
  );
  if (props.certificateArn !== undefined) {
    check(
      props.certificateArn.startsWith("arn:"),
      "certificateArn",
      "is not an ARN",
      "use the ACM certificate ARN",
    );
  } else {
    check(
      props.hostedZone !== undefined,
      "certificateArn",
      "is missing, and without a hosted zone no certificate can be created",
      "give an ACM certificate ARN, or a Route 53 hosted zone to create one with DNS validation",
    );
  }
  check(
    isCertificate(props.identityCertificatePem),
    "identityCertificate",
    "is not a PEM certificate",
    "see docs/deploy.md",
  );
  const prefix = props.runnerPrefix ?? "mayfly-";
  check(
    /^[a-z][a-z0-9-]{0,19}-$/.test(prefix),
    "runnerPrefix",
    `is ${prefix}`,
    "use e.g. mayfly- (ends with a dash)",
  );
  const replicas = props.replicas ?? 2;
  check(
    Number.isInteger(replicas) && replicas >= 0,
    "replicas",
    `is ${replicas}`,
    "use a whole number, 0 or more",
  );
  if (problems.length > 0) throw new ConfigError(problems);
}

function isCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}
