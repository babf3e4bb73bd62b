import { describe, expect, it } from "vitest";
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
import { useSecretsManager } from "../../helpers/secrets-manager.js";

/**
 * Setup mode's Secrets Manager store through the real SDK sm.client against the emulator: it reads and
 * writes only the stack's one secret, keeps its other keys, and a restarted process comes up running.
 */
const sm = useSecretsManager();

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
    const arn = sm.emulator.createSecret("Mayfly/GithubApp/a", stackSecret());
    const store = createSecretsManagerStore(sm.client, arn);
    expect(store.where).toBe(arn);
    expect(await store.load()).toBeUndefined();
    await store.save(credentials);
    expect(await store.load()).toEqual(credentials);
    expect(JSON.parse(sm.emulator.current(arn) ?? "{}").PRIVATE_KEY).toContain("\n");
  });

  it("keeps keys it does not own and calls only Get/PutSecretValue on its one secret", async () => {
    const arn = sm.emulator.createSecret("Mayfly/GithubApp/b", JSON.stringify({ APP_ID: "", NOTE: "kept" }));
    const other = sm.emulator.createSecret("Mayfly/Other", "untouched");
    const before = sm.emulator.calls().length;
    const store = createSecretsManagerStore(sm.client, arn);
    await store.save(credentials);
    await store.load();
    expect(JSON.parse(sm.emulator.current(arn) ?? "{}")).toEqual({ ...credentials, NOTE: "kept" });
    expect(sm.emulator.current(other)).toBe("untouched");
    const calls = sm.emulator.calls().slice(before);
    expect(new Set(calls.map((c) => c.operation))).toEqual(new Set(["GetSecretValue", "PutSecretValue"]));
    expect(calls.every((c) => c.secretId === arn)).toBe(true);
  });

  it("a secret that is not a JSON object of strings fails without echoing its value", async () => {
    const arn = sm.emulator.createSecret(
      "Mayfly/GithubApp/c",
      JSON.stringify({ APP_ID: 7, PRIVATE_KEY: "leak-me" }),
    );
    const error = await createSecretsManagerStore(sm.client, arn)
      .load()
      .catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(arn);
    expect((error as Error).message).not.toContain("leak-me");
  });

  it("an unknown secret is an error (not 'no credentials'), so a wrong ARN does not reopen setup", async () => {
    const store = createSecretsManagerStore(
      sm.client,
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-abcdef",
    );
    await expect(store.load()).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });

  it("a restarted process finds the stored credentials and runs instead of serving /setup", async () => {
    const arn = sm.emulator.createSecret("Mayfly/GithubApp/d", stackSecret());
    const store = createSecretsManagerStore(sm.client, arn);
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
