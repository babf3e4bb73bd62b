import { verify, X509Certificate } from "node:crypto";
import { type EC2Client, RunInstancesCommand, type RunInstancesCommandInput } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createEmulatorClient } from "../src/ec2/client.js";
import { type Ec2Emulator, startEc2Emulator } from "../src/ec2/emulator.js";

/** Generous: these files share two cores with the rest of the suite. */
const WAIT = { timeout: 5_000, interval: 10 };

let emulator: Ec2Emulator;
let ec2: EC2Client;
let clockOffset = 0;
const ids: Record<"a" | "b" | "optional" | "disabled", string> = { a: "", b: "", optional: "", disabled: "" };

async function launch(overrides: Partial<RunInstancesCommandInput>): Promise<string> {
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: "ami-0123456789abcdef0",
      InstanceType: "m7i.large",
      MinCount: 1,
      MaxCount: 1,
      SubnetId: "subnet-0aaaaaaaaaaaaaaa1",
      MetadataOptions: { HttpTokens: "required" },
      ...overrides,
    }),
  );
  return out.Instances?.[0]?.InstanceId ?? "";
}

beforeAll(async () => {
  emulator = await startEc2Emulator({
    bootDelayMs: 20,
    throttling: false,
    subnets: { "subnet-0aaaaaaaaaaaaaaa1": "us-east-1a" },
    now: () => Date.now() + clockOffset,
  });
  ec2 = createEmulatorClient(emulator, { maxAttempts: 1 });
  ids.a = await launch({
    InstanceType: "c7g.large",
    UserData: Buffer.from("#!/bin/bash\nrun-mayfly\n").toString("base64"),
    TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "mayfly:pool", Value: "arm" }] }],
    MetadataOptions: { HttpTokens: "required", InstanceMetadataTags: "enabled" },
  });
  ids.b = await launch({});
  ids.optional = await launch({ MetadataOptions: { HttpTokens: "optional" } });
  ids.disabled = await launch({ MetadataOptions: { HttpEndpoint: "disabled" } });
  await vi.waitFor(() => expect(emulator.instances().every((i) => i.state === "running")).toBe(true), WAIT);
});

afterAll(async () => {
  ec2.destroy();
  await emulator.stop();
});

async function token(id: string, ttl = "60", headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${emulator.imdsUrl(id)}/latest/api/token`, {
    method: "PUT",
    headers: { "x-aws-ec2-metadata-token-ttl-seconds": ttl, ...headers },
  });
}

async function get(id: string, path: string, tokenValue?: string): Promise<Response> {
  return fetch(`${emulator.imdsUrl(id)}${path}`, {
    headers: tokenValue === undefined ? {} : { "x-aws-ec2-metadata-token": tokenValue },
  });
}

async function read(id: string, path: string): Promise<string> {
  const t = await (await token(id)).text();
  const res = await get(id, path, t);
  expect(res.status).toBe(200);
  return res.text();
}

describe("IMDSv2 tokens", () => {
  it("issues a token for a TTL of 1–21600 seconds and echoes the TTL", async () => {
    const res = await token(ids.a, "21600");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-aws-ec2-metadata-token-ttl-seconds")).toBe("21600");
    expect((await res.text()).length).toBeGreaterThan(20);
  });

  it.each([["0"], ["21601"], ["ten"], ["-5"]])("refuses TTL %s with 400", async (ttl) => {
    expect((await token(ids.a, ttl)).status).toBe(400);
  });

  it("refuses a PUT without a TTL with 400", async () => {
    const res = await fetch(`${emulator.imdsUrl(ids.a)}/latest/api/token`, { method: "PUT" });
    expect(res.status).toBe(400);
  });

  it("refuses a token request carrying X-Forwarded-For with 403", async () => {
    expect((await token(ids.a, "60", { "x-forwarded-for": "10.0.0.9" })).status).toBe(403);
  });

  it("answers 401 without a token, with another instance's token, with a bad or an expired token", async () => {
    const tokenOfB = await (await token(ids.b)).text();
    const shortLived = await (await token(ids.a, "1")).text();
    expect((await get(ids.a, "/latest/meta-data/instance-id")).status).toBe(401);
    expect((await get(ids.a, "/latest/meta-data/instance-id", tokenOfB)).status).toBe(401);
    expect((await get(ids.a, "/latest/meta-data/instance-id", "not-a-token")).status).toBe(401);
    expect((await get(ids.a, "/latest/meta-data/instance-id", shortLived)).status).toBe(200);
    clockOffset += 1_001;
    expect((await get(ids.a, "/latest/meta-data/instance-id", shortLived)).status).toBe(401);
  });

  it("serves IMDSv1 requests without a token when HttpTokens is optional", async () => {
    const res = await get(ids.optional, "/latest/meta-data/instance-id");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(ids.optional);
  });

  it("answers 403 when the metadata endpoint is disabled", async () => {
    expect((await token(ids.disabled)).status).toBe(403);
  });
});

describe("IMDS content", () => {
  it("serves instance id, zone, user data and (when enabled) tags", async () => {
    expect(await read(ids.a, "/latest/meta-data/instance-id")).toBe(ids.a);
    expect(await read(ids.a, "/latest/meta-data/placement/availability-zone")).toBe("us-east-1a");
    expect(await read(ids.a, "/latest/user-data")).toBe("#!/bin/bash\nrun-mayfly\n");
    expect(await read(ids.a, "/latest/meta-data/tags/instance/mayfly:pool")).toBe("arm");
  });

  it("answers 404 for user data when there is none, and for tags when not enabled", async () => {
    const t = await (await token(ids.b)).text();
    expect((await get(ids.b, "/latest/user-data", t)).status).toBe(404);
    expect((await get(ids.b, "/latest/meta-data/tags/instance", t)).status).toBe(404);
  });

  it("serves an identity document shaped like AWS's", async () => {
    const text = await read(ids.a, "/latest/dynamic/instance-identity/document");
    const instance = emulator.instance(ids.a);
    expect(text.startsWith('{\n  "accountId" : "123456789012",\n  "architecture" : "arm64",\n')).toBe(true);
    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual([
      "accountId",
      "architecture",
      "availabilityZone",
      "billingProducts",
      "devpayProductCodes",
      "marketplaceProductCodes",
      "imageId",
      "instanceId",
      "instanceType",
      "kernelId",
      "pendingTime",
      "privateIp",
      "ramdiskId",
      "region",
      "version",
    ]);
    expect(doc).toMatchObject({
      availabilityZone: "us-east-1a",
      billingProducts: null,
      imageId: "ami-0123456789abcdef0",
      instanceId: ids.a,
      instanceType: "c7g.large",
      privateIp: instance?.privateIp,
      region: "us-east-1",
      version: "2017-09-30",
    });
    expect(doc.pendingTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(
      (await read(ids.b, "/latest/dynamic/instance-identity/document")).includes('"architecture" : "x86_64"'),
    ).toBe(true);
  });

  it("signs the exact document bytes; the signature verifies against the published certificate", async () => {
    const document = await read(ids.a, "/latest/dynamic/instance-identity/document");
    const signature = Buffer.from(
      (await read(ids.a, "/latest/dynamic/instance-identity/signature")).replace(/\s+/g, ""),
      "base64",
    );
    const published = await (await fetch(`${emulator.url}/_emulator/identity-certificate`)).text();
    expect(published).toBe(emulator.identityCertificatePem);
    const key = new X509Certificate(published).publicKey;
    expect(verify("sha256", Buffer.from(document), key, signature)).toBe(true);
    const reserialized = JSON.stringify(JSON.parse(document), null, 2);
    expect(verify("sha256", Buffer.from(reserialized), key, signature)).toBe(false);
    const otherDocument = await read(ids.b, "/latest/dynamic/instance-identity/document");
    expect(verify("sha256", Buffer.from(otherDocument), key, signature)).toBe(false);
  });

  it("answers only while the instance is running", async () => {
    expect((await token("i-0000000000000dead")).status).toBe(404);
    emulator.powerOff(ids.b);
    expect((await token(ids.b)).status).toBe(503);
    const slow = await startEc2Emulator({ bootDelayMs: 60_000, throttling: false });
    const slowClient = createEmulatorClient(slow, { maxAttempts: 1 });
    try {
      const out = await slowClient.send(
        new RunInstancesCommand({ ImageId: "ami-0123456789abcdef0", MinCount: 1, MaxCount: 1 }),
      );
      const pendingId = out.Instances?.[0]?.InstanceId ?? "";
      const res = await fetch(`${slow.imdsUrl(pendingId)}/latest/api/token`, {
        method: "PUT",
        headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" },
      });
      expect(res.status).toBe(503);
    } finally {
      slowClient.destroy();
      await slow.stop();
    }
  });
});
