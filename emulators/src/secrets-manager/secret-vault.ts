import { randomBytes, randomUUID } from "node:crypto";
import { invalidParameter, notFound, SecretsManagerError } from "./secrets-manager-error.js";

/**
 * The secrets and their versions, with the staging labels Secrets Manager moves on every put: the new
 * version gets AWSCURRENT, the one that had it gets AWSPREVIOUS, and the one before loses every label
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/whats-in-a-secret.html#term_version).
 * ARNs end in a dash and six random characters, as AWS appends them, so a name and its ARN differ.
 */

/** A secret string or binary holds at most 65,536 bytes (API_PutSecretValue.html, SecretString). */
export const MAX_SECRET_BYTES = 65_536;

export interface SecretVersion {
  versionId: string;
  value: string;
  stages: string[];
  createdAt: number;
}

interface Secret {
  arn: string;
  name: string;
  versions: SecretVersion[];
}

export class SecretVault {
  readonly #secrets: Secret[] = [];

  constructor(
    private readonly region: string,
    private readonly accountId: string,
    private readonly now: () => number,
  ) {}

  create(name: string, value?: string): string {
    if (!/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name)) throw invalidParameter("Invalid name.");
    if (this.#secrets.some((s) => s.name === name)) {
      throw new SecretsManagerError(
        "ResourceExistsException",
        `The operation failed because the secret ${name} already exists.`,
      );
    }
    const suffix = randomBytes(6).toString("base64url").replace(/[-_]/g, "x").slice(0, 6);
    const arn = `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${suffix}`;
    const secret: Secret = { arn, name, versions: [] };
    this.#secrets.push(secret);
    if (value !== undefined) this.put(arn, value, randomUUID());
    return arn;
  }

  /** By name, full ARN, or ARN without the random suffix (partial ARN), as SecretId accepts. */
  find(secretId: string): Secret {
    const secret = this.#secrets.find(
      (s) => s.name === secretId || s.arn === secretId || s.arn.slice(0, -7) === secretId,
    );
    if (!secret) throw notFound();
    return secret;
  }

  get(secretId: string, versionId?: string, stage?: string): { secret: Secret; version: SecretVersion } {
    const secret = this.find(secretId);
    const wanted = versionId === undefined && stage === undefined ? "AWSCURRENT" : stage;
    const version = secret.versions.find(
      (v) =>
        (versionId === undefined || v.versionId === versionId) &&
        (wanted === undefined || v.stages.includes(wanted)),
    );
    if (!version) {
      // A secret created without a value has no AWSCURRENT version yet.
      if (versionId === undefined && stage === undefined) {
        throw new SecretsManagerError(
          "ResourceNotFoundException",
          "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
        );
      }
      throw notFound();
    }
    return { secret, version };
  }

  /** PutSecretValue: idempotent on the client token with the same value, refused with another value. */
  put(secretId: string, value: string, token: string): { secret: Secret; version: SecretVersion } {
    const secret = this.find(secretId);
    if (Buffer.byteLength(value) > MAX_SECRET_BYTES) {
      throw invalidParameter(`SecretString must be at most ${MAX_SECRET_BYTES} bytes.`);
    }
    if (token.length < 32 || token.length > 64) {
      throw invalidParameter("ClientRequestToken must be 32 to 64 characters long.");
    }
    const existing = secret.versions.find((v) => v.versionId === token);
    if (existing) {
      if (existing.value === value) return { secret, version: existing };
      throw new SecretsManagerError(
        "ResourceExistsException",
        "You can't modify an existing version, you can only create a new version.",
      );
    }
    for (const v of secret.versions) {
      v.stages = v.stages.includes("AWSCURRENT")
        ? ["AWSPREVIOUS"]
        : v.stages.filter((s) => s !== "AWSPREVIOUS" && s !== "AWSCURRENT");
    }
    const version: SecretVersion = { versionId: token, value, stages: ["AWSCURRENT"], createdAt: this.now() };
    secret.versions.push(version);
    return { secret, version };
  }
}
