import { fileURLToPath } from "node:url";

/**
 * AWS's RSA certificates for the base64 instance identity signature, bundled so a deployment needs no
 * download (docs/identity-certificates.md). Each file is copied verbatim from
 * smallstep/certificates `authority/provisioner/aws_certificates.pem` (commit 0a97e1bd12ca), which
 * copies https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/regions-certs.html ("RSA"); a test checks
 * each file's self-signature, so a changed byte fails. `default.pem` is the certificate AWS lists for
 * every region below that has no certificate of its own (the 2024 re-issues keep its key; the app uses
 * only the key, not the dates).
 */
const DEFAULT_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ca-central-1",
  "sa-east-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-central-1",
  "eu-north-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-south-1",
] as const;

const OWN_CERTIFICATE = ["af-south-1", "eu-south-1", "il-central-1", "ca-west-1"] as const;

export const BUNDLED_REGIONS: readonly string[] = [...DEFAULT_REGIONS, ...OWN_CERTIFICATE];

const DIRECTORY = fileURLToPath(new URL("../identity-certificates/", import.meta.url));

/** The bundled certificate file for a region, or undefined when none is bundled. */
export function bundledIdentityCertificate(region: string): string | undefined {
  if ((OWN_CERTIFICATE as readonly string[]).includes(region)) return `${DIRECTORY}${region}.pem`;
  if ((DEFAULT_REGIONS as readonly string[]).includes(region)) return `${DIRECTORY}default.pem`;
  return undefined;
}
