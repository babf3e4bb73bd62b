import { EC2Client, type EC2ClientConfig } from "@aws-sdk/client-ec2";

/**
 * A real EC2 client pointed at the emulator (reference/api-facts.md §3.8): dummy credentials (the
 * emulator wants a SigV4 header but does not check it) and the emulator's Region.
 */
export function createEmulatorClient(
  emulator: { url: string; region: string },
  config: Partial<EC2ClientConfig> = {},
): EC2Client {
  return new EC2Client({
    endpoint: emulator.url,
    region: emulator.region,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    ...config,
  });
}
