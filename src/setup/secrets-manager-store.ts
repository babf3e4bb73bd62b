import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { z } from "zod";
import { type AppCredentials, CREDENTIAL_KEYS, hasCredentials } from "./app-credentials.js";
import type { CredentialStore } from "./credential-store.js";

/** The one call the store makes; a SecretsManagerClient fits. */
export type SecretsClient = Pick<SecretsManagerClient, "send">;

// The stack creates the secret with these keys as empty strings (infra/lib/app-secrets.ts); other keys
// are kept as they are when the store writes.
const secretJson = z.record(z.string(), z.string());

/**
 * Keeps the credentials in the stack's GitHub App secret (a JSON object keyed like the environment), so
 * a restarted or second task reads them at start. The task role may only Get and Put this one secret
 * (infra/lib/app-secrets.ts), which is why the store never lists, creates or describes anything.
 */
export function createSecretsManagerStore(client: SecretsClient, secretArn: string): CredentialStore {
  const read = async (): Promise<Record<string, string>> => {
    const answer = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const parsed = secretJson.safeParse(JSON.parse(answer.SecretString ?? "{}"));
    // Never echo the value: name the secret and what is wrong with its shape.
    if (!parsed.success) throw new Error(`secret ${secretArn} is not a JSON object of strings`);
    return parsed.data;
  };
  return {
    where: secretArn,
    async save(credentials) {
      const existing = await read();
      const merged = { ...existing, ...credentials };
      await client.send(
        new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify(merged) }),
      );
    },
    async load() {
      const values = await read();
      if (!hasCredentials(values)) return undefined;
      return Object.fromEntries(CREDENTIAL_KEYS.map((k) => [k, values[k] ?? ""])) as AppCredentials;
    },
  };
}

/** The region a secret lives in, from its ARN (the env schema has already checked the shape). */
export function regionOfSecret(secretArn: string): string {
  return secretArn.split(":")[3] ?? "";
}
