import { generateKeyPairSync, type KeyObject } from "node:crypto";

/**
 * A fresh RSA key pair per registered app. The private key is PKCS#1 (`BEGIN RSA PRIVATE KEY`), the
 * format GitHub hands out and Probot accepts (@probot/get-private-key accepts PKCS#1 and PKCS#8).
 */
export function generateAppKeyPair(): { privateKeyPem: string; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    publicKey,
  };
}
