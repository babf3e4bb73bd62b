import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll } from "vitest";
import {
  type SecretsManagerEmulator,
  startSecretsManagerEmulator,
} from "../../emulators/src/secrets-manager/emulator.js";

/**
 * The Secrets Manager emulator and a real SDK client for it, started before the file's tests and
 * stopped after them. Read the fields inside tests (they are set in beforeAll).
 */
export function useSecretsManager(): { emulator: SecretsManagerEmulator; client: SecretsManagerClient } {
  const world = {} as { emulator: SecretsManagerEmulator; client: SecretsManagerClient };
  beforeAll(async () => {
    world.emulator = await startSecretsManagerEmulator();
    world.client = new SecretsManagerClient({
      endpoint: world.emulator.url,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    world.client?.destroy();
    await world.emulator?.stop();
  });
  return world;
}
