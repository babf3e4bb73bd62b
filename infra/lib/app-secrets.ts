import * as ecs from "aws-cdk-lib/aws-ecs";
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
 * The app's secrets in Secrets Manager. Only the ECS task execution role reads them (to inject them
 * as environment variables at task start); the app's task role and the runner role get no access.
 * Keys Mayfly itself uses are generated here; the GitHub App's credentials are put in by the admin
 * after registering the App (a webhook secret is pre-generated for the by-hand registration).
 */
export class AppSecrets extends Construct {
  readonly githubApp: secretsmanager.Secret;
  readonly bootstrapKey: secretsmanager.Secret;
  readonly sessionKey: secretsmanager.Secret;
  readonly dashboardToken: secretsmanager.Secret;
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
    this.#suppressRotationFindings();
  }

  /** The `secrets` of the app's container definition. */
  containerSecrets(): Record<string, ecs.Secret> {
    const app = Object.fromEntries(
      GITHUB_APP_SECRET_KEYS.map((k) => [k, ecs.Secret.fromSecretsManager(this.githubApp, k)]),
    );
    return {
      ...app,
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
    for (const secret of [this.bootstrapKey, this.sessionKey, this.dashboardToken]) {
      acknowledge(
        secret,
        "AwsSolutions-SMG4",
        "Rotation must be coordinated with the running tasks (they read the value at start, and the bootstrap key has a PREVIOUS slot for overlap), so it is a documented manual procedure (docs/deploy.md), not a Lambda.",
      );
    }
  }
}
