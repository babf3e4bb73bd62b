import { createPrivateKey, type KeyObject, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import type { EmulatedInstance } from "./model.js";

/**
 * Instance identity documents as IMDS serves them: AWS's pretty-printed JSON (two-space indent,
 * `"key" : value`, as in the example on
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-identity-documents.html), and the
 * `/signature` form: base64 RSA PKCS#1 v1.5 SHA-256 over the exact document bytes
 * (reference/limits-and-identity.md §1.1, §1.7). Signed with the emulator's own key, never AWS's.
 */
export const identityCertificatePem = readFileSync(
  new URL("./identity-emulator.cert.pem", import.meta.url),
  "utf8",
);

let privateKey: KeyObject | undefined;

function key(): KeyObject {
  privateKey ??= createPrivateKey(
    readFileSync(new URL("./identity-emulator.key.pem", import.meta.url), "utf8"),
  );
  return privateKey;
}

type DocumentSource = Pick<
  EmulatedInstance,
  "architecture" | "availabilityZone" | "imageId" | "instanceId" | "instanceType" | "launchTime" | "privateIp"
>;

export function identityDocument(instance: DocumentSource, region: string, accountId: string): string {
  const fields: [string, string | null][] = [
    ["accountId", accountId],
    ["architecture", instance.architecture],
    ["availabilityZone", instance.availabilityZone],
    ["billingProducts", null],
    ["devpayProductCodes", null],
    ["marketplaceProductCodes", null],
    ["imageId", instance.imageId],
    ["instanceId", instance.instanceId],
    ["instanceType", instance.instanceType],
    ["kernelId", null],
    ["pendingTime", `${new Date(instance.launchTime).toISOString().slice(0, 19)}Z`],
    ["privateIp", instance.privateIp],
    ["ramdiskId", null],
    ["region", region],
    ["version", "2017-09-30"],
  ];
  const lines = fields.map(
    ([name, value]) => `  "${name}" : ${value === null ? "null" : JSON.stringify(value)}`,
  );
  return `{\n${lines.join(",\n")}\n}`;
}

/** Wrapped over several lines, as AWS's examples show it, so verifiers must strip whitespace. */
export function signDocument(document: string): string {
  const base64 = sign("sha256", Buffer.from(document, "utf8"), key()).toString("base64");
  return base64.replace(/(.{64})/g, "$1\n").trimEnd();
}
