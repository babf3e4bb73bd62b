import { EC2Client } from "@aws-sdk/client-ec2";
import { SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Ec2Emulator, startEc2Emulator } from "../../../emulators/src/ec2/emulator.js";
import { type SsmEmulator, startSsmEmulator } from "../../../emulators/src/ssm/emulator.js";
import { createImageLookup } from "../../../src/aws/image-lookup.js";
import { parsePoolFile } from "../../../src/pool-file.js";
import { checkPoolImages } from "../../../src/setup/check-pool-images.js";

/**
 * "Every pool's image found" over the real EC2 and SSM clients against the emulators: AMI ids and SSM
 * parameters resolved, and a missing parameter, a missing, deregistered or wrong-architecture image
 * each reported with what to do. Each parameter and image is looked up once.
 */
const X64 = "ami-0000000000000b001";
const ARM = "ami-0000000000000b002";
const GONE = "ami-0000000000000b003";
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

let ec2Emulator: Ec2Emulator;
let ssmEmulator: SsmEmulator;
let ec2: EC2Client;
let ssm: SSMClient;

const pool = (name: string, image: string, types = "[m7i.large]") => `  - name: ${name}
    labels: [${name}]
    instanceTypes: ${types}
    image: ${image}
    subnets: [subnet-0a1b2c3d]
    securityGroups: [sg-0a1b2c3d]
    maxRunners: 2
`;
const POOLS = parsePoolFile(
  `version: 1\npools:\n${[
    pool("by-id", X64),
    pool("by-variant", "{ variant: standard, arch: arm64 }", "[c7g.large]"),
    pool("by-variant-too", "{ variant: standard, arch: arm64 }", "[t4g.large]"),
    pool("no-parameter", "{ variant: minimal }"),
    pool("missing", "ami-00000000000000fff"),
    pool("deregistered", "{ ssmParameter: /team/old-ami }"),
    pool("wrong-arch", X64, "[c7g.large]"),
  ].join("")}`,
  "pools.yml",
).file!.pools;

beforeAll(async () => {
  ec2Emulator = await startEc2Emulator({
    throttling: false,
    images: [
      { imageId: X64 },
      { imageId: ARM, architecture: "arm64" },
      { imageId: GONE, state: "deregistered" },
    ],
  });
  ssmEmulator = await startSsmEmulator({
    parameters: { "/mayfly/images/runner-standard-arm64": ARM, "/team/old-ami": GONE },
  });
  ec2 = new EC2Client({
    endpoint: ec2Emulator.url,
    region: "us-east-1",
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
  ssm = new SSMClient({
    endpoint: ssmEmulator.url,
    region: "us-east-1",
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
});

afterAll(async () => {
  ec2.destroy();
  ssm.destroy();
  await Promise.all([ec2Emulator.stop(), ssmEmulator.stop()]);
});

describe("checkPoolImages", () => {
  it("reports each pool's image, with what to do for each one that cannot launch", async () => {
    const items = await checkPoolImages({
      pools: POOLS,
      lookup: createImageLookup({ ec2, ssm }),
      region: "us-east-1",
    });
    expect(items.map((i) => [i.label, i.status, i.detail])).toEqual([
      ["Image of pool by-id", "ok", `${X64}, x86_64, available`],
      [
        "Image of pool by-variant",
        "ok",
        `${ARM} (from /mayfly/images/runner-standard-arm64), arm64, available`,
      ],
      [
        "Image of pool by-variant-too",
        "ok",
        `${ARM} (from /mayfly/images/runner-standard-arm64), arm64, available`,
      ],
      [
        "Image of pool no-parameter",
        "fail",
        "SSM parameter /mayfly/images/runner-minimal-x64 does not exist in us-east-1",
      ],
      [
        "Image of pool missing",
        "fail",
        "ami-00000000000000fff does not exist in us-east-1, or this account may not use it",
      ],
      [
        "Image of pool deregistered",
        "fail",
        `${GONE} (from /team/old-ami) is deregistered; no instance can launch from it`,
      ],
      ["Image of pool wrong-arch", "fail", `${X64} is built for x86_64, but c7g.large need arm64`],
    ]);
    expect(items.filter((i) => i.status !== "ok").every((i) => (i.fix ?? "").length > 0)).toBe(true);
    const parameterReads = ssmEmulator.calls().flatMap((c) => c.names);
    expect(parameterReads.sort()).toEqual([
      "/mayfly/images/runner-minimal-x64",
      "/mayfly/images/runner-standard-arm64",
      "/team/old-ami",
    ]);
  });

  it("says unknown, with AWS's answer, when a lookup fails rather than calling the image missing", async () => {
    const items = await checkPoolImages({
      pools: POOLS.slice(1, 2),
      lookup: createImageLookup({ ec2 }),
      region: "us-east-1",
    });
    expect(items).toEqual([
      expect.objectContaining({
        label: "Image of pool by-variant",
        status: "unknown",
        detail: expect.stringContaining("no SSM client"),
        fix: expect.stringContaining("ssm:GetParameters"),
      }),
    ]);
  });
});
