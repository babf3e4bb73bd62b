import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SecretsManagerEmulator, startSecretsManagerEmulator } from "../src/secrets-manager/emulator.js";

/** The Secrets Manager emulator through the real SDK client: versions, stages, idempotency, errors. */

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

const nameOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (e: { name: string }) => e.name,
  );

describe("Secrets Manager emulator", () => {
  it("finds a secret by name, full ARN and partial ARN; the ARN carries AWS's random suffix", async () => {
    const arn = emulator.createSecret("app/one", "v1");
    expect(arn).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:app\/one-[A-Za-z0-9]{6}$/);
    for (const id of ["app/one", arn, arn.slice(0, -7)]) {
      const got = await client.send(new GetSecretValueCommand({ SecretId: id }));
      expect(got).toMatchObject({
        ARN: arn,
        Name: "app/one",
        SecretString: "v1",
        VersionStages: ["AWSCURRENT"],
      });
      expect(got.CreatedDate).toBeInstanceOf(Date);
    }
  });

  it("a put makes the new version AWSCURRENT and the old one AWSPREVIOUS; older ones lose their labels", async () => {
    const arn = emulator.createSecret("app/two", "v1");
    const first = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    const put = await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: "v2" }));
    expect(put).toMatchObject({ ARN: arn, VersionStages: ["AWSCURRENT"] });
    expect(put.VersionId).not.toBe(first.VersionId);
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: arn, VersionStage: "AWSPREVIOUS" }),
    );
    expect(previous).toMatchObject({ SecretString: "v1", VersionId: first.VersionId });
    await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: "v3" }));
    expect(emulator.current(arn)).toBe("v3");
    expect(
      await nameOf(client.send(new GetSecretValueCommand({ SecretId: arn, VersionId: first.VersionId }))),
    ).toBe("resolved");
    const v1 = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionId: first.VersionId }));
    expect(v1.VersionStages).toEqual([]);
  });

  it("the client token makes a put idempotent, and the same token with another value is refused", async () => {
    const arn = emulator.createSecret("app/three", "v1");
    const token = "00000000-0000-4000-8000-000000000001";
    const a = await client.send(
      new PutSecretValueCommand({ SecretId: arn, SecretString: "v2", ClientRequestToken: token }),
    );
    const b = await client.send(
      new PutSecretValueCommand({ SecretId: arn, SecretString: "v2", ClientRequestToken: token }),
    );
    expect(b.VersionId).toBe(a.VersionId);
    expect(
      await nameOf(
        client.send(
          new PutSecretValueCommand({ SecretId: arn, SecretString: "other", ClientRequestToken: token }),
        ),
      ),
    ).toBe("ResourceExistsException");
    expect(emulator.current(arn)).toBe("v2");
  });

  it("answers the modelled errors: unknown secret, no current value, no value, oversized value", async () => {
    expect(await nameOf(client.send(new GetSecretValueCommand({ SecretId: "nope" })))).toBe(
      "ResourceNotFoundException",
    );
    const empty = emulator.createSecret("app/empty");
    expect(await nameOf(client.send(new GetSecretValueCommand({ SecretId: empty })))).toBe(
      "ResourceNotFoundException",
    );
    expect(await nameOf(client.send(new PutSecretValueCommand({ SecretId: empty })))).toBe(
      "InvalidParameterException",
    );
    expect(
      await nameOf(
        client.send(new PutSecretValueCommand({ SecretId: empty, SecretString: "x".repeat(65_537) })),
      ),
    ).toBe("InvalidParameterException");
    expect(emulator.current(empty)).toBeUndefined();
  });

  it("refuses an unsigned request and an unknown operation", async () => {
    const unsigned = await fetch(emulator.url, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "secretsmanager.GetSecretValue",
      },
      body: JSON.stringify({ SecretId: "app/one" }),
    });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toMatchObject({ __type: "UnrecognizedClientException" });
    const signed = {
      "content-type": "application/x-amz-json-1.1",
      authorization:
        "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=00",
    };
    const unknown = await fetch(emulator.url, {
      method: "POST",
      headers: { ...signed, "x-amz-target": "secretsmanager.DeleteSecret" },
      body: "{}",
    });
    expect(await unknown.json()).toMatchObject({ __type: "UnknownOperationException" });
  });
});
