import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as ecs from "aws-cdk-lib/aws-ecs";
import { describe, expect, it } from "vitest";
import { BUNDLED_REGIONS, bundledIdentityCertificate } from "../../../infra/lib/identity-certificates.js";
import { MayflyStack } from "../../../infra/lib/mayfly-stack.js";
import { readDeployFile } from "../../../infra/lib/read-deploy-file.js";
import { readSettings } from "../../../infra/lib/read-settings.js";
import { ConfigError } from "../../../src/errors.js";
import { exampleStack, ROOT } from "./fixtures.js";

/** One-command deploy: the settings file, a created VPC, a created certificate, bundled identity certificates, the App secret grant. */

const EXAMPLE_FILE = `${ROOT}/mayfly.deploy.example.yml`;

function stackFromFile(edit: (text: string) => string = (t) => t) {
  const text = edit(readFileSync(EXAMPLE_FILE, "utf8"));
  const fromFile = readDeployFile(text, EXAMPLE_FILE);
  const settings = readSettings({
    context: (k) => fromFile[k],
    readFile: (p) => readFileSync(p, "utf8"),
    root: ROOT,
  });
  const stack = new MayflyStack(new App(), settings.stackName, {
    ...settings.props,
    image: ecs.ContainerImage.fromRegistry("ghcr.io/mayfly-ci/mayfly:test"),
  });
  return { settings, template: Template.fromStack(stack) };
}

const problemsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.key}: ${p.problem}`);
    throw error;
  }
  return [];
};

describe("the App secret grant", () => {
  const { template } = exampleStack();
  const policies = Object.values(template.findResources("AWS::IAM::Policy")) as {
    Properties: {
      PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown; Sid?: string }[] };
    };
  }[];
  const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
  const secretArn = { Ref: Match.stringLikeRegexp("^SecretsGithubApp") };

  it("lets the task role Get and Put the App secret, on that one ARN", () => {
    const grant = statements.find((s) => s.Sid === "GithubAppCredentials");
    expect(grant?.Action).toEqual(["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"]);
    expect(grant?.Resource).toEqual({ Ref: expect.stringMatching(/^SecretsGithubApp/) });
    template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Sid: "GithubAppCredentials", Resource: secretArn })]),
      },
    });
  });

  it("grants no other Secrets Manager write anywhere, and no wildcard on secrets", () => {
    const secretActions = statements.filter((s) =>
      [s.Action].flat().some((a) => a.startsWith("secretsmanager:")),
    );
    for (const s of secretActions) {
      const actions = [s.Action].flat();
      if (actions.includes("secretsmanager:PutSecretValue")) expect(s.Sid).toBe("GithubAppCredentials");
      expect(actions.some((a) => a.includes("*") || /Update|Create|Delete|Rotate/.test(a))).toBe(false);
      expect(JSON.stringify(s.Resource)).not.toBe('"*"');
    }
  });

  it("outputs where the setup token is read, never the token", () => {
    const outputs = template.toJSON().Outputs;
    expect(outputs.SetupTokenSecretArn.Value).toEqual({ Ref: expect.stringMatching(/^SecretsSetupToken/) });
    expect(outputs.SetupTokenSecretArn.Description).toContain("aws secretsmanager get-secret-value");
    expect(outputs.SetupUrl.Value).toBe("https://mayfly.example.com/setup");
    expect(JSON.stringify(outputs)).not.toMatch(/SecretString"|GenerateSecretString/);
  });
});

describe("the settings file", () => {
  it("deploys the example file: a created VPC in two AZs with one NAT gateway, a DNS-validated certificate, an alias", () => {
    const { settings, template } = stackFromFile();
    expect(settings.props.network).toEqual({ create: { natGateways: 1 } });
    template.resourceCountIs("AWS::EC2::VPC", 1);
    template.resourceCountIs("AWS::EC2::NatGateway", 1);
    template.resourceCountIs("AWS::EC2::Subnet", 4);
    template.resourceCountIs("AWS::EC2::FlowLog", 1);
    template.hasResourceProperties("AWS::CertificateManager::Certificate", {
      DomainName: "mayfly.example.com",
      ValidationMethod: "DNS",
      DomainValidationOptions: [{ DomainName: "mayfly.example.com", HostedZoneId: "Z0123456789ABCDEFGHIJ" }],
    });
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Certificates: [{ CertificateArn: { Ref: Match.stringLikeRegexp("^IngressCertificate") } }],
    });
    template.hasResourceProperties("AWS::Route53::RecordSet", { Name: "mayfly.example.com.", Type: "A" });
  });

  it("with a VPC given, imports it and creates none; with a certificate given, requests none", () => {
    const { template } = stackFromFile(
      (t) =>
        `${t.replace(/^hostedZone:.*\n.*\n.*\n/m, "")}certificateArn: arn:aws:acm:us-east-1:123456789012:certificate/x\nvpc:\n  id: vpc-0123456789abcdef0\n  loadBalancerSubnets: [subnet-0aaaaaaaaaaaaaaa1, subnet-0aaaaaaaaaaaaaaa2]\n  appSubnets: [subnet-0bbbbbbbbbbbbbbb1]\n`,
    );
    template.resourceCountIs("AWS::EC2::VPC", 0);
    template.resourceCountIs("AWS::EC2::NatGateway", 0);
    template.resourceCountIs("AWS::CertificateManager::Certificate", 0);
    template.resourceCountIs("AWS::Route53::RecordSet", 0);
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", {
      Certificates: [{ CertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x" }],
    });
  });

  it("refuses neither a certificate nor a zone", () => {
    expect(problemsOf(() => stackFromFile((t) => t.replace(/^hostedZone:.*\n.*\n.*\n/m, "")))).toEqual([
      "mayfly:certificateArn: is missing",
    ]);
  });

  it("lists every problem in the file at once", () => {
    const bad = 'pools: p.yml\naccount: "1234"\nregion: mars\ndomain: x\nnatGateways: 3\ncolour: blue\n';
    const problems = problemsOf(() => readDeployFile(bad, "/d/mayfly.deploy.yml"));
    expect(problems.map((p) => p.split(":").slice(0, 2).join(":")).sort()).toEqual(
      [
        "/d/mayfly.deploy.yml: (file)",
        "/d/mayfly.deploy.yml: account",
        "/d/mayfly.deploy.yml: region",
        "/d/mayfly.deploy.yml: domain",
        "/d/mayfly.deploy.yml: natGateways",
      ].sort(),
    );
    expect(problems).toContain("/d/mayfly.deploy.yml: account: must look like 123456789012");
    expect(problems.find((p) => p.includes("(file)"))).toContain("colour");
  });

  it("resolves paths against the file's directory", () => {
    const values = readDeployFile(
      "pools: pools.yml\naccount: '123456789012'\nregion: us-east-1\ndomain: a.example.com\n",
      "/srv/m/mayfly.deploy.yml",
    );
    expect(values["mayfly:pools"]).toBe("/srv/m/pools.yml");
  });

  it("is what npm run deploy reads: one cdk deploy with the settings file", () => {
    const scripts = JSON.parse(readFileSync(`${ROOT}/package.json`, "utf8")).scripts;
    expect(scripts.deploy).toBe("cd infra && npx aws-cdk@2 deploy -c mayfly:settings=../mayfly.deploy.yml");
    expect(readFileSync(`${ROOT}/infra/bin/mayfly.ts`, "utf8")).toContain('tryGetContext("mayfly:settings")');
  });
});

describe("bundled identity certificates", () => {
  it.each(BUNDLED_REGIONS.map((r) => [r]))(
    "%s: the bundled file is an intact, self-signed RSA certificate",
    (region) => {
      const path = bundledIdentityCertificate(region);
      expect(path).toBeDefined();
      const cert = new X509Certificate(readFileSync(path ?? ""));
      // A self-signature over the whole certificate: one changed byte in the copy fails it.
      expect(cert.verify(cert.publicKey)).toBe(true);
      expect(cert.publicKey.asymmetricKeyType).toBe("rsa");
    },
  );

  it.each([
    ["us-east-1", "default.pem"],
    ["eu-west-1", "default.pem"],
    ["af-south-1", "af-south-1.pem"],
    ["il-central-1", "il-central-1.pem"],
  ])("%s deploys with %s", (region, file) => {
    const { settings, template } = stackFromFile((t) => t.replace("region: us-east-1", `region: ${region}`));
    expect(settings.props.identityCertificatePem).toBe(
      readFileSync(`${ROOT}/infra/identity-certificates/${file}`, "utf8"),
    );
    const env = JSON.stringify(template.findResources("AWS::ECS::TaskDefinition"));
    expect(env).toContain(JSON.stringify(settings.props.identityCertificatePem).slice(1, 60));
  });

  it("a region with none bundled asks for the file", () => {
    expect(
      problemsOf(() => stackFromFile((t) => t.replace("region: us-east-1", "region: ap-east-1"))),
    ).toEqual(["mayfly:identityCertificate: is missing, and no certificate is bundled for ap-east-1"]);
  });
});
