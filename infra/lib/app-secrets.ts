import * as ecs from "aws-cdk-lib/aws-ecs";
import * as iam from "aws-cdk-lib/aws-iam";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { acknowledge } from "./acknowledge.js";

/**
 * Keys of the GitHub App secret (a JSON object). They are the app's environment variable names, and
 * the manifest flow's conversion answer (`id, pem, webhook_secret, client_id, client_secret`) maps onto
 * them one to one (docs/deploy.md shows the jq line).
 */
export const GITHUB_APP_SECRET_KEYS = [
  "APP_ID",
  "GITHUB_APP_SLUG",
  "PRIVATE_KEY",
  "WEBHOOK_SECRET",
  "GITHUB_CLIENT_ID",
  "GITHUB_CLIENT_SECRET",
] as const;

export interface AppSecretsProps {
  /** Also inject the bootstrap key's AWSPREVIOUS version, while rotating (docs/deploy.md). */
  rotateBootstrapKey?: boolean;
}

/**
 * The app's secrets in Secrets Manager. The keys Mayfly itself uses (and the setup token) are generated
 * here and injected by the ECS task execution role at task start. The GitHub App's credentials are the
 * exception: setup mode writes them once GitHub hands them over, and every task reads them at start, so
 * the task role may Get and Put that one secret and nothing else (ADR 0012). A webhook secret is
 * pre-generated for a by-hand registration.
 */
export class AppSecrets extends Construct {
  readonly githubApp: secretsmanager.Secret;
  readonly bootstrapKey: secretsmanager.Secret;
  readonly sessionKey: secretsmanager.Secret;
  readonly dashboardToken: secretsmanager.Secret;
  readonly setupToken: secretsmanager.Secret;
  readonly #rotateBootstrapKey: boolean;

  constructor(scope: Construct, id: string, props: AppSecretsProps = {}) {
    super(scope, id);
    this.#rotateBootstrapKey = props.rotateBootstrapKey ?? false;
    const empty = Object.fromEntries(
      GITHUB_APP_SECRET_KEYS.filter((k) => k !== "WEBHOOK_SECRET").map((k) => [k, ""]),
    );
    this.githubApp = new secretsmanager.Secret(this, "GithubApp", {
      description: `Mayfly GitHub App credentials: JSON with ${GITHUB_APP_SECRET_KEYS.join(", ")}`,
      generateSecretString: {
        secretStringTemplate: JSON.stringify(empty),
        generateStringKey: "WEBHOOK_SECRET",
        passwordLength: 64,
        excludePunctuation: true,
      },
    });
    // 64 letters and digits read as base64 by src/config.ts decodeSecret: 48 random bytes.
    const key = (name: string, description: string) =>
      new secretsmanager.Secret(this, name, {
        description,
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
      });
    this.bootstrapKey = key("BootstrapKey", "Mayfly bootstrap token signing key (MAYFLY_BOOTSTRAP_KEY)");
    this.sessionKey = key("SessionKey", "Mayfly dashboard session key (MAYFLY_SESSION_KEY)");
    this.dashboardToken = key("DashboardToken", "Mayfly dashboard bearer token (MAYFLY_DASHBOARD_TOKEN)");
    this.setupToken = key(
      "SetupToken",
      "Mayfly setup mode token (MAYFLY_SETUP_TOKEN); opens /setup until the App exists",
    );
    this.#suppressRotationFindings();
  }

  /**
   * The app reads and writes the GitHub App secret itself (src/setup/secrets-manager-store.ts): exactly
   * GetSecretValue and PutSecretValue on its ARN. Not `grantRead`/`grantWrite`, which add DescribeSecret
   * and UpdateSecret. The secret uses the account's aws/secretsmanager key, so no KMS grant is needed.
   */
  grantAppCredentials(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "GithubAppCredentials",
        actions: ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"],
        resources: [this.githubApp.secretArn],
      }),
    );
  }

  /** The `secrets` of the app's container definition (the GitHub App's are read by the app itself). */
  containerSecrets(): Record<string, ecs.Secret> {
    return {
      MAYFLY_SETUP_TOKEN: ecs.Secret.fromSecretsManager(this.setupToken),
      MAYFLY_BOOTSTRAP_KEY: ecs.Secret.fromSecretsManager(this.bootstrapKey),
      ...(this.#rotateBootstrapKey
        ? {
            MAYFLY_BOOTSTRAP_KEY_PREVIOUS: ecs.Secret.fromSecretsManagerVersion(this.bootstrapKey, {
              versionStage: "AWSPREVIOUS",
            }),
          }
        : {}),
      MAYFLY_SESSION_KEY: ecs.Secret.fromSecretsManager(this.sessionKey),
      MAYFLY_DASHBOARD_TOKEN: ecs.Secret.fromSecretsManager(this.dashboardToken),
    };
  }

  #suppressRotationFindings(): void {
    acknowledge(
      this.githubApp,
      "AwsSolutions-SMG4",
      "GitHub App private keys and webhook secrets are issued by GitHub, not by AWS; they are rotated in the App settings and then put here (docs/deploy.md). A rotation Lambda cannot mint them.",
    );
    acknowledge(
      this.setupToken,
      "AwsSolutions-SMG4",
      "The setup token opens only /setup, and only until the GitHub App exists; after that it opens nothing, so rotating it buys nothing.",
    );
    for (const secret of [this.bootstrapKey, this.sessionKey, this.dashboardToken]) {
      acknowledge(
        secret,
        "AwsSolutions-SMG4",
        "Rotation must be coordinated with the running tasks (they read the value at start, and the bootstrap key has a PREVIOUS slot for overlap), so it is a documented manual procedure (docs/deploy.md), not a Lambda.",
      );
    }
  }
}
