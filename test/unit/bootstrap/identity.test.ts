import { generateKeyPairSync, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createIdentityVerifier } from "../../../src/bootstrap/identity.js";

const certificatePem = readFileSync(
  new URL("../../../emulators/src/ec2/identity-emulator.cert.pem", import.meta.url),
  "utf8",
);
const privateKey = readFileSync(
  new URL("../../../emulators/src/ec2/identity-emulator.key.pem", import.meta.url),
  "utf8",
);
const verifier = createIdentityVerifier({ certificatePem, region: "us-east-1", accountId: "123456789012" });
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const window = { notBefore: T0 - 60_000, notAfter: T0 + 300_000 };

function document(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      accountId: "123456789012",
      architecture: "x86_64",
      availabilityZone: "us-east-1a",
      imageId: "ami-0123456789abcdef0",
      instanceId: "i-0123456789abcdef0",
      instanceType: "t3.medium",
      pendingTime: "2026-11-25T12:00:05Z",
      privateIp: "10.0.0.5",
      region: "us-east-1",
      version: "2017-09-30",
      ...overrides,
    },
    null,
    2,
  );
}
const signed = (doc: string, key = privateKey) => ({
  document: doc,
  signature: sign("sha256", Buffer.from(doc), key).toString("base64"),
});

describe("instance identity verification", () => {
  it("accepts a document signed with the region's key, inside the boot window", () => {
    expect(verifier.verify(signed(document()), window)).toMatchObject({
      ok: true,
      document: { instanceId: "i-0123456789abcdef0" },
    });
  });

  it("accepts a base64 signature wrapped over lines, as IMDS serves it", () => {
    const { document: doc, signature } = signed(document());
    expect(
      verifier.verify({ document: doc, signature: signature.replace(/(.{64})/g, "$1\n") }, window).ok,
    ).toBe(true);
  });

  it.each([
    [
      "a signature by another key",
      () =>
        signed(
          document(),
          generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
            type: "pkcs8",
            format: "pem",
          }) as string,
        ),
      "identity-signature",
    ],
    [
      "a document edited after signing",
      () => ({ ...signed(document()), document: document({ instanceId: "i-0fffffffffffffff0" }) }),
      "identity-signature",
    ],
    [
      "re-serialised JSON (not the exact bytes)",
      () => ({ ...signed(document()), document: JSON.stringify(JSON.parse(document())) }),
      "identity-signature",
    ],
    ["an empty signature", () => ({ document: document(), signature: "" }), "identity-signature"],
    ["another account", () => signed(document({ accountId: "999999999999" })), "identity-account"],
    ["another region", () => signed(document({ region: "eu-west-1" })), "identity-region"],
    [
      "a pendingTime before the token",
      () => signed(document({ pendingTime: "2026-11-25T11:58:00Z" })),
      "identity-stale",
    ],
    [
      "a pendingTime after the boot window",
      () => signed(document({ pendingTime: "2026-11-25T12:06:00Z" })),
      "identity-stale",
    ],
    ["a signed non-JSON document", () => signed("not json"), "identity-malformed"],
    [
      "a signed document without an instance id",
      () => signed(document({ instanceId: undefined })),
      "identity-malformed",
    ],
  ])("refuses %s", (_, make, reason) => {
    expect(verifier.verify(make(), window)).toMatchObject({ ok: false, reason });
  });
});
