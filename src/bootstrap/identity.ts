import { type KeyObject, verify, X509Certificate } from "node:crypto";
import { z } from "zod";
import { INSTANCE_ID_PATTERN } from "../domain/runner-name.js";

/**
 * EC2 instance identity: the document and its `/signature` form (base64 RSA PKCS#1 v1.5 over SHA-256 of
 * the exact document bytes), verified with node:crypto against the pinned certificate of the region
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/verify-iid.html). Only the public key is used,
 * not the certificate's validity dates: AWS re-issued the RSA certificates in 2024 with the same key and
 * verifiers that checked `validTo` broke (smallstep/certificates#1873; reference/limits-and-identity.md §1.2).
 * A document is not fresh (any process on the instance can read it), so the caller also checks
 * `pendingTime` and that the instance is running and ours.
 */

export const identityDocumentSchema = z.object({
  accountId: z.string().regex(/^\d{12}$/),
  instanceId: z.string().regex(INSTANCE_ID_PATTERN),
  region: z.string().min(1),
  availabilityZone: z.string().min(1),
  instanceType: z.string().min(1),
  imageId: z.string().min(1),
  pendingTime: z.string().refine((v) => !Number.isNaN(Date.parse(v)), "not a timestamp"),
  privateIp: z.string().nullable().optional(),
});
export type IdentityDocument = z.infer<typeof identityDocumentSchema>;

export type IdentityCheck =
  | { ok: true; document: IdentityDocument }
  | {
      ok: false;
      reason:
        | "identity-signature"
        | "identity-malformed"
        | "identity-account"
        | "identity-region"
        | "identity-stale";
      detail: string;
    };

export interface IdentityVerifier {
  verify(
    identity: { document: string; signature: string },
    window: { notBefore: number; notAfter: number },
  ): IdentityCheck;
}

export function createIdentityVerifier(options: {
  certificatePem: string;
  region: string;
  accountId: string;
}): IdentityVerifier {
  const publicKey: KeyObject = new X509Certificate(options.certificatePem).publicKey;
  return {
    verify(identity, window) {
      const signature = Buffer.from(identity.signature.replace(/\s+/g, ""), "base64");
      const bytes = Buffer.from(identity.document, "utf8");
      let valid = false;
      try {
        valid = signature.length > 0 && verify("sha256", bytes, publicKey, signature);
      } catch {
        valid = false;
      }
      if (!valid)
        return { ok: false, reason: "identity-signature", detail: "identity signature does not verify" };
      let parsed: unknown;
      try {
        parsed = JSON.parse(identity.document);
      } catch {
        return { ok: false, reason: "identity-malformed", detail: "identity document is not JSON" };
      }
      const doc = identityDocumentSchema.safeParse(parsed);
      if (!doc.success)
        return { ok: false, reason: "identity-malformed", detail: "identity document lacks fields" };
      const d = doc.data;
      if (d.accountId !== options.accountId) {
        return {
          ok: false,
          reason: "identity-account",
          detail: `account ${d.accountId} is not ${options.accountId}`,
        };
      }
      if (d.region !== options.region) {
        return {
          ok: false,
          reason: "identity-region",
          detail: `region ${d.region} is not ${options.region}`,
        };
      }
      const pending = Date.parse(d.pendingTime);
      if (pending < window.notBefore || pending > window.notAfter) {
        return {
          ok: false,
          reason: "identity-stale",
          detail: `pendingTime ${d.pendingTime} is outside the boot window ${new Date(window.notBefore).toISOString()}–${new Date(window.notAfter).toISOString()}`,
        };
      }
      return { ok: true, document: d };
    },
  };
}
