import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLargeError, listen, readBody } from "../http.js";
import { AWS_JSON_CONTENT_TYPE, parseAwsJsonObject, writeAwsJson } from "../support/aws-json.js";
import { MAX_SECRET_BYTES, SecretVault } from "./secret-vault.js";
import { invalidParameter, invalidRequest, SecretsManagerError } from "./secrets-manager-error.js";

/**
 * A Secrets Manager emulator for `@aws-sdk/client-secrets-manager` over HTTP: AWS JSON 1.1
 * (`content-type: application/x-amz-json-1.1`, `x-amz-target: secretsmanager.<Operation>`), SigV4
 * header required but not verified. Two operations: GetSecretValue and PutSecretValue, with version
 * ids, staging labels, client-token idempotency and the errors the SDK models. Secrets are created
 * by the test (`createSecret`), the way a CDK stack creates them.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 */

export interface SecretsManagerEmulatorOptions {
  host?: string;
  port?: number;
  region?: string;
  accountId?: string;
  now?: () => number;
}

export interface SecretsManagerCall {
  operation: string;
  secretId?: string;
}

export interface SecretsManagerEmulator {
  url: string;
  /** Creates a secret (with a first AWSCURRENT version when `value` is given); returns its ARN. */
  createSecret(name: string, value?: string): string;
  /** The AWSCURRENT value, or undefined when the secret has none yet. */
  current(secretId: string): string | undefined;
  /** Every call answered, in order (what a test asserts the client asked for). */
  calls(): readonly SecretsManagerCall[];
  stop(): Promise<void>;
}

export async function startSecretsManagerEmulator(
  options: SecretsManagerEmulatorOptions = {},
): Promise<SecretsManagerEmulator> {
  const region = options.region ?? "us-east-1";
  const vault = new SecretVault(region, options.accountId ?? "123456789012", options.now ?? Date.now);
  const calls: SecretsManagerCall[] = [];

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    GetSecretValue(input) {
      const { secret, version } = vault.get(
        secretId(input),
        optionalString(input, "VersionId"),
        optionalString(input, "VersionStage"),
      );
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.versionId,
        SecretString: version.value,
        VersionStages: version.stages,
        CreatedDate: version.createdAt / 1000,
      };
    },
    PutSecretValue(input) {
      if (input.SecretBinary !== undefined) {
        throw invalidRequest("This emulator stores SecretString only; SecretBinary is not implemented.");
      }
      const value = optionalString(input, "SecretString");
      if (value === undefined)
        throw invalidParameter("You must provide either SecretString or SecretBinary.");
      if (Buffer.byteLength(value) > MAX_SECRET_BYTES) {
        throw invalidParameter(`SecretString must be at most ${MAX_SECRET_BYTES} bytes.`);
      }
      const token = optionalString(input, "ClientRequestToken") ?? randomUUID();
      const { secret, version } = vault.put(secretId(input), value, token);
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.versionId,
        VersionStages: version.stages,
      };
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      const authorization = req.headers.authorization ?? "";
      if (
        !/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[^/]+\/secretsmanager\/aws4_request,/.test(authorization)
      ) {
        throw new SecretsManagerError(
          "UnrecognizedClientException",
          "The security token included in the request is invalid.",
        );
      }
      const target = String(req.headers["x-amz-target"] ?? "");
      const operation = target.startsWith("secretsmanager.") ? target.slice("secretsmanager.".length) : "";
      const run = operations[operation];
      if (!run) throw new SecretsManagerError("UnknownOperationException", `Unknown operation ${target}`);
      if (!String(req.headers["content-type"] ?? "").startsWith(AWS_JSON_CONTENT_TYPE)) {
        throw new SecretsManagerError("SerializationException", `Expected ${AWS_JSON_CONTENT_TYPE}`);
      }
      const input = parseAwsJsonObject(
        (await readBody(req, 2 * MAX_SECRET_BYTES + 4096)).toString("utf8"),
        (m) => new SecretsManagerError("SerializationException", m),
      );
      calls.push({ operation, secretId: typeof input.SecretId === "string" ? input.SecretId : undefined });
      writeAwsJson(res, 200, run(input), requestId);
    } catch (error) {
      if (error instanceof SecretsManagerError) return writeAwsJson(res, error.status, error.body, requestId);
      if (error instanceof BodyTooLargeError) {
        return writeAwsJson(res, 413, { __type: "RequestEntityTooLarge", Message: error.message }, requestId);
      }
      writeAwsJson(res, 500, { __type: "InternalServiceError", Message: String(error) }, requestId);
    }
  }

  const server = await listen((req, res) => void handle(req, res), {
    host: options.host,
    port: options.port,
  });
  return {
    url: server.url,
    createSecret: (name, value) => vault.create(name, value),
    current(id) {
      try {
        return vault.get(id).version.value;
      } catch {
        return undefined;
      }
    },
    calls: () => calls,
    stop: () => server.close(),
  };
}

function secretId(input: Record<string, unknown>): string {
  const id = optionalString(input, "SecretId");
  if (!id) throw invalidParameter("SecretId is required.");
  return id;
}

function optionalString(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string")
    throw new SecretsManagerError("SerializationException", `${key} must be a string.`);
  return value;
}
