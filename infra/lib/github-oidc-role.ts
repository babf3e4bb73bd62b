import { Duration, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";
import { type GithubOidcSubjectSpec, githubOidcSubject } from "./github-oidc-subject.js";

/** GitHub's OIDC issuer for Actions tokens and the audience AWS's credential action requests. */
export const GITHUB_OIDC_ISSUER = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

export type GithubOidcRoleProps = GithubOidcSubjectSpec & {
  /** An existing provider for token.actions.githubusercontent.com (an account holds one per URL). */
  providerArn?: string;
  description?: string;
  maxSessionDuration?: Duration;
};

/**
 * A role that GitHub Actions jobs of one repository and one branch, tag or environment can assume
 * without stored keys (aws-actions/configure-aws-credentials with `role-to-assume`). The trust policy
 * uses StringEquals on both `aud` and `sub`, so no pattern can widen it; the subject is checked by
 * `githubOidcSubject`, which refuses wildcards at synth.
 * https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
 */
export class GithubOidcRole extends Construct {
  readonly role: iam.Role;
  readonly subject: string;
  readonly provider: iam.IOidcProvider;

  constructor(scope: Construct, id: string, props: GithubOidcRoleProps) {
    super(scope, id);
    this.subject = githubOidcSubject(props);
    this.provider = props.providerArn
      ? iam.OidcProviderNative.fromOidcProviderArn(this, "Provider", props.providerArn)
      : new iam.OidcProviderNative(this, "Provider", {
          url: `https://${GITHUB_OIDC_ISSUER}`,
          clientIds: [GITHUB_OIDC_AUDIENCE],
        });
    this.role = new iam.Role(this, "Role", {
      description: props.description ?? `GitHub Actions OIDC role for ${this.subject}`,
      maxSessionDuration: props.maxSessionDuration ?? Duration.hours(1),
      assumedBy: new iam.WebIdentityPrincipal(this.provider.oidcProviderArn, {
        StringEquals: {
          [`${GITHUB_OIDC_ISSUER}:aud`]: GITHUB_OIDC_AUDIENCE,
          [`${GITHUB_OIDC_ISSUER}:sub`]: this.subject,
        },
      }),
    });
  }

  /**
   * Lets the role run `cdk deploy` through the CDK bootstrap roles of this account and region, and
   * nothing else: CloudFormation and asset publishing happen under those roles.
   * https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html
   */
  allowCdkDeploy(qualifier = "hnb659fds"): void {
    const stack = Stack.of(this);
    const names = ["deploy", "file-publishing", "image-publishing", "lookup"].map(
      (kind) => `cdk-${qualifier}-${kind}-role-${stack.account}-${stack.region}`,
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "AssumeCdkBootstrapRoles",
        actions: ["sts:AssumeRole", "sts:TagSession"],
        resources: names.map((name) =>
          stack.formatArn({ service: "iam", region: "", resource: "role", resourceName: name }),
        ),
      }),
    );
  }
}
