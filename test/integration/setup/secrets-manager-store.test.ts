import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type SecretsManagerEmulator,
  startSecretsManagerEmulator,
} from "../../../emulators/src/secrets-manager/emulator.js";
import type { AppCredentials } from "../../../src/setup/app-credentials.js";
import { loadStartup } from "../../../src/setup/load-startup.js";
import { resumeFromStore } from "../../../src/setup/resume-from-store.js";
import { createSecretsManagerStore, regionOfSecret } from "../../../src/setup/secrets-manager-store.js";
import {
  filesReader,
  MINIMAL_POOLS,
  POOLS_PATH,
  PRIVATE_KEY,
  validEnv,
} from "../../fixtures/config/config-env.js";

/**
 * Setup mode's Secrets Manager store through the real SDK client against the emulator: it reads and
 * writes only the stack's one secret, keeps its other keys, and a restarted process comes up running.
 */
let emulator: SecretsManagerEmulator;
let client: SecretsManagerClient;

beforeAll(async () => {
  emulator = await startSecretsManagerEmulator();
  client = new SecretsManagerClient({
    endpoint: emulator.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await emulator.stop();
});

// As infra/lib/app-secrets.ts creates it: every key empty but a generated webhook secret.
const stackSecret = () =>
  JSON.stringify({
    APP_ID: "",
    GITHUB_APP_SLUG: "",
    PRIVATE_KEY: "",
    WEBHOOK_SECRET: "pre-generated-0123456789",
    GITHUB_CLIENT_ID: "",
    GITHUB_CLIENT_SECRET: "",
  });

const credentials: AppCredentials = {
  APP_ID: "4242",
  GITHUB_APP_SLUG: "mayfly-acme",
  PRIVATE_KEY,
  WEBHOOK_SECRET: "from-github-webhook-secret-0123456789",
  GITHUB_CLIENT_ID: "Iv1.abcdef0123456789",
  GITHUB_CLIENT_SECRET: "client-secret-from-github-0123",
};

describe("Secrets Manager credential store", () => {
  it("the stack's fresh secret holds no credentials; after save they load back exactly (PEM newlines too)", async () => {
    const arn = emulator.createSecret("Mayfly/GithubApp/a", stackSecret());
    const store = createSecretsManagerStore(client, arn);
    expect(store.where).toBe(arn);
    expect(await store.load()).toBeUndefined();
    await store.save(credentials);
    expect(await store.load()).toEqual(credentials);
    expect(JSON.parse(emulator.current(arn) ?? "{}").PRIVATE_KEY).toContain("\n");
  });

  it("keeps keys it does not own and calls only Get/PutSecretValue on its one secret", async () => {
    const arn = emulator.createSecret("Mayfly/GithubApp/b", JSON.stringify({ APP_ID: "", NOTE: "kept" }));
    const other = emulator.createSecret("Mayfly/Other", "untouched");
    const before = emulator.calls().length;
    const store = createSecretsManagerStore(client, arn);
    await store.save(credentials);
    await store.load();
    expect(JSON.parse(emulator.current(arn) ?? "{}")).toEqual({ ...credentials, NOTE: "kept" });
    expect(emulator.current(other)).toBe("untouched");
    const calls = emulator.calls().slice(before);
    expect(new Set(calls.map((c) => c.operation))).toEqual(new Set(["GetSecretValue", "PutSecretValue"]));
    expect(calls.every((c) => c.secretId === arn)).toBe(true);
  });

  it("a secret that is not a JSON object of strings fails without echoing its value", async () => {
    const arn = emulator.createSecret(
      "Mayfly/GithubApp/c",
      JSON.stringify({ APP_ID: 7, PRIVATE_KEY: "leak-me" }),
    );
    const error = await createSecretsManagerStore(client, arn)
      .load()
      .catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(arn);
    expect((error as Error).message).not.toContain("leak-me");
  });

  it("an unknown secret is an error (not 'no credentials'), so a wrong ARN does not reopen setup", async () => {
    const store = createSecretsManagerStore(
      client,
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-abcdef",
    );
    await expect(store.load()).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });

  it("a restarted process finds the stored credentials and runs instead of serving /setup", async () => {
    const arn = emulator.createSecret("Mayfly/GithubApp/d", stackSecret());
    const store = createSecretsManagerStore(client, arn);
    const env = validEnv({
      APP_ID: undefined,
      PRIVATE_KEY: undefined,
      WEBHOOK_SECRET: undefined,
      GITHUB_CLIENT_ID: undefined,
      GITHUB_CLIENT_SECRET: undefined,
      MAYFLY_APP_SECRET_ARN: arn,
    });
    const readFile = filesReader({ [POOLS_PATH]: MINIMAL_POOLS });
    const fresh = await resumeFromStore(loadStartup({ env, readFile }), store);
    expect(fresh.mode).toBe("setup");
    expect(fresh.config.setup.appSecretArn).toBe(arn);
    await store.save(credentials);
    const restarted = await resumeFromStore(loadStartup({ env, readFile }), store);
    expect(restarted.mode).toBe("run");
    expect(restarted.config.github.appId).toBe(4242);
    expect(restarted.config.github.webhookSecret).toBe(credentials.WEBHOOK_SECRET);
    expect(regionOfSecret(arn)).toBe("us-east-1");
  });
});
