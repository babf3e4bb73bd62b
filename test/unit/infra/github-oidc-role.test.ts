import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { GithubOidcRole } from "../../../infra/lib/github-oidc-role.js";
import {
  GithubOidcSubjectError,
  type GithubOidcSubjectSpec,
  githubOidcSubject,
} from "../../../infra/lib/github-oidc-subject.js";
import { ACCOUNT, bareStack, REGION } from "./fixtures.js";

describe("githubOidcSubject", () => {
  it.each<[string, GithubOidcSubjectSpec, string]>([
    ["a branch", { repository: "acme/infra", branch: "main" }, "repo:acme/infra:ref:refs/heads/main"],
    [
      "a nested branch",
      { repository: "acme/infra", branch: "release/v2" },
      "repo:acme/infra:ref:refs/heads/release/v2",
    ],
    [
      "an environment",
      { repository: "acme/infra", environment: "production" },
      "repo:acme/infra:environment:production",
    ],
    ["a tag", { repository: "acme/infra", tag: "v1.2.3" }, "repo:acme/infra:ref:refs/tags/v1.2.3"],
    [
      "a full subject",
      { subject: "repo:acme/my.repo_1:environment:prod" },
      "repo:acme/my.repo_1:environment:prod",
    ],
  ])("accepts one repository and %s", (_, spec, subject) => {
    expect(githubOidcSubject(spec)).toBe(subject);
  });

  it.each<[string, GithubOidcSubjectSpec, RegExp]>([
    ["every repo of an org", { subject: "repo:org/*" }, /would admit other repositories/],
    [
      "every repo of an org on main",
      { subject: "repo:org/*:ref:refs/heads/main" },
      /would admit other repositories/,
    ],
    ["every repository", { subject: "repo:*" }, /would admit other repositories/],
    ["every owner", { subject: "repo:*/infra:ref:refs/heads/main" }, /would admit other repositories/],
    [
      "a ? in the repository",
      { subject: "repo:acme/inf?a:ref:refs/heads/main" },
      /would admit other repositories/,
    ],
    [
      "a wildcard repository prop",
      { repository: "acme/*", branch: "main" },
      /would admit other repositories/,
    ],
    ["a missing branch", { subject: "repo:acme/infra" }, /names no branch, tag or environment/],
    ["a missing branch prop", { repository: "acme/infra" }, /names no branch, tag or environment/],
    ["any ref", { subject: "repo:acme/infra:*" }, /would admit any branch, tag or environment/],
    ["any branch", { subject: "repo:acme/infra:ref:refs/heads/*" }, /would admit any branch/],
    ["a branch pattern", { repository: "acme/infra", branch: "release-*" }, /would admit any branch/],
    ["an environment pattern", { repository: "acme/infra", environment: "prod?" }, /would admit any branch/],
    ["a pull_request subject", { subject: "repo:acme/infra:pull_request" }, /must end with/],
    ["an empty branch", { subject: "repo:acme/infra:ref:refs/heads/" }, /must end with/],
    ["two scopes", { repository: "acme/infra", branch: "main", tag: "v1" }, /more than one/],
    ["no repository", { subject: "repo:acme:ref:refs/heads/main" }, /must name one repository/],
    ["another claim", { subject: "organization:acme" }, /must start with "repo:OWNER\/REPO"/],
  ])("refuses %s", (_, spec, message) => {
    expect(() => githubOidcSubject(spec)).toThrow(GithubOidcSubjectError);
    expect(() => githubOidcSubject(spec)).toThrow(message);
  });
});

describe("GithubOidcRole", () => {
  const { stack } = bareStack();
  const role = new GithubOidcRole(stack, "Deploy", { repository: "acme/infra", branch: "main" });
  role.allowCdkDeploy();
  new GithubOidcRole(stack, "Existing", {
    repository: "acme/infra",
    environment: "production",
    providerArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
  });
  const template = Template.fromStack(stack);
  const roles = Object.values(template.findResources("AWS::IAM::Role"));

  it("creates GitHub's OIDC provider with the STS audience, unless one is given", () => {
    template.resourceCountIs("AWS::IAM::OIDCProvider", 1);
    template.hasResourceProperties("AWS::IAM::OIDCProvider", {
      Url: "https://token.actions.githubusercontent.com",
      ClientIdList: ["sts.amazonaws.com"],
    });
  });

  it("trusts exactly one audience and one subject, with StringEquals", () => {
    expect(roles[0]?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: "sts:AssumeRoleWithWebIdentity",
        Effect: "Allow",
        Principal: { Federated: { Ref: expect.stringMatching(/^DeployProvider/) } },
        Condition: {
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:acme/infra:ref:refs/heads/main",
          },
        },
      },
    ]);
    expect(roles[1]?.Properties.AssumeRolePolicyDocument.Statement[0]).toMatchObject({
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
      Condition: {
        StringEquals: { "token.actions.githubusercontent.com:sub": "repo:acme/infra:environment:production" },
      },
    });
  });

  it("may only assume the CDK bootstrap roles of this account and region", () => {
    const [policy] = Object.values(template.findResources("AWS::IAM::Policy"));
    const role = (kind: string) => ({
      "Fn::Join": [
        "",
        [
          "arn:",
          { Ref: "AWS::Partition" },
          `:iam::${ACCOUNT}:role/cdk-hnb659fds-${kind}-role-${ACCOUNT}-${REGION}`,
        ],
      ],
    });
    expect(policy?.Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: "AssumeCdkBootstrapRoles",
        Effect: "Allow",
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Resource: ["deploy", "file-publishing", "image-publishing", "lookup"].map(role),
      },
    ]);
  });

  it("fails synth with the reason when the subject is too broad", () => {
    const { stack: other } = bareStack();
    expect(() => new GithubOidcRole(other, "Bad", { subject: "repo:acme/*" })).toThrow(
      'GitHub OIDC subject "repo:acme/*" would admit other repositories',
    );
  });
});
