import { randomBytes, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ManagedInstance } from "../../../src/aws/fleet.js";
import { createEnrolment } from "../../../src/bootstrap/enrol.js";
import { createIdentityVerifier } from "../../../src/bootstrap/identity.js";
import { createTokenIssuer, createTokenVerifier } from "../../../src/bootstrap/token.js";
import { TAG } from "../../../src/domain/tags.js";
import { RunnerExistsError } from "../../../src/errors.js";
import type { Runners } from "../../../src/github/runners.js";
import { parsePoolFile } from "../../../src/pool-file.js";

const cert = readFileSync(
  new URL("../../../emulators/src/ec2/identity-emulator.cert.pem", import.meta.url),
  "utf8",
);
const identityKey = readFileSync(
  new URL("../../../emulators/src/ec2/identity-emulator.key.pem", import.meta.url),
  "utf8",
);
const key = new Uint8Array(randomBytes(32));
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const ID = "i-0123456789abcdef0";
const { file } = parsePoolFile(
  `version: 1
pools:
  - name: linux
    labels: [linux, x64]
    instanceTypes: [t3.medium]
    image: ami-0123456789abcdef0
    subnets: [subnet-0123456789abcdef0]
    securityGroups: [sg-0123456789abcdef0]
    maxRunners: 5
    runnerGroup: ci
    allow: { orgs: [acme] }
`,
  "pools.yml",
);

function instance(
  tags: Partial<Record<string, string>> = {},
  state: ManagedInstance["state"] = "running",
): ManagedInstance {
  return {
    instanceId: ID,
    state,
    launchedAt: T0,
    instanceType: "t3.medium",
    market: "on-demand",
    tags: {
      [TAG.managedBy]: "mayfly",
      [TAG.pool]: "linux",
      [TAG.org]: "acme",
      [TAG.launch]: "L1",
      ...tags,
    } as Record<string, string>,
  };
}

function setup(found: ManagedInstance | undefined) {
  const created: Array<{ name: string; labels: readonly string[]; runnerGroupId: number }> = [];
  /** GitHub's view: registered runners by name, and whether each has connected. */
  const registered = new Map<string, { id: number; online: boolean }>();
  const removed: number[] = [];
  const runners: Runners = {
    async createJitConfig(_ref, runner) {
      if (registered.has(runner.name)) throw new RunnerExistsError("exists");
      created.push(runner);
      registered.set(runner.name, { id: created.length, online: false });
      return { runnerId: created.length, encodedJitConfig: `jit-${runner.name}-${created.length}` };
    },
    list: async () => [],
    find: async (_ref, name) => {
      const r = registered.get(name);
      return r && { id: r.id, name, status: r.online ? "online" : "offline", busy: false, labels: [] };
    },
    remove: async (_ref, id) => {
      removed.push(id);
      for (const [name, r] of registered) if (r.id === id) registered.delete(name);
      return "removed";
    },
    runnerGroupId: async (_ref, name) => (name === "ci" ? 7 : 1),
  };
  const enrol = createEnrolment({
    tokens: createTokenVerifier({ keys: [key], issuer: "mayfly:mayfly", now: () => T0 + 10_000 }),
    identity: createIdentityVerifier({
      certificatePem: cert,
      region: "us-east-1",
      accountId: "123456789012",
    }),
    instances: { get: async (id) => (id === ID ? found : undefined) },
    runners,
    pools: file!.pools,
    deploymentId: "mayfly",
    runnerPrefix: "mayfly-",
    now: () => T0 + 10_000,
  });
  const connect = (name: string) => {
    const r = registered.get(name);
    if (r) r.online = true;
  };
  return { enrol, created, removed, connect };
}

const token = (claims: Partial<{ pool: string; org: string; launch: string }> = {}) =>
  createTokenIssuer({ keys: [key], issuer: "mayfly:mayfly", now: () => T0 }).issue({
    pool: "linux",
    org: "acme",
    installation: 1,
    launch: "L1",
    ttlSeconds: 300,
    ...claims,
  });

function identity(overrides: Record<string, unknown> = {}) {
  const document = JSON.stringify(
    {
      accountId: "123456789012",
      availabilityZone: "us-east-1a",
      imageId: "ami-1",
      instanceId: ID,
      instanceType: "t3.medium",
      pendingTime: "2026-11-25T12:00:03Z",
      region: "us-east-1",
      ...overrides,
    },
    null,
    2,
  );
  return { document, signature: sign("sha256", Buffer.from(document), identityKey).toString("base64") };
}

describe("bootstrap enrolment", () => {
  it("gives a running Mayfly instance a JIT config named after it, with the pool's labels and group", async () => {
    const { enrol, created } = setup(instance());
    const result = await enrol({ token: await token(), identity: identity() });
    expect(result).toMatchObject({
      ok: true,
      instanceId: ID,
      runnerName: `mayfly-${ID}`,
      encodedJitConfig: `jit-mayfly-${ID}-1`,
      reissued: false,
    });
    expect(created).toEqual([{ name: `mayfly-${ID}`, labels: ["linux", "x64"], runnerGroupId: 7 }]);
  });

  it("refuses a second use once the runner has connected: GitHub's 409 for the same runner name", async () => {
    const { enrol, connect } = setup(instance());
    const request = { token: await token(), identity: identity() };
    expect((await enrol(request)).ok).toBe(true);
    connect(`mayfly-${ID}`);
    expect(await enrol(request)).toMatchObject({ ok: false, status: 403, reason: "replayed" });
  });

  it("answers a retry whose first answer was lost: the never-connected runner is replaced", async () => {
    const { enrol, created, removed } = setup(instance());
    const request = { token: await token(), identity: identity() };
    expect(await enrol(request)).toMatchObject({ ok: true, encodedJitConfig: `jit-mayfly-${ID}-1` });
    expect(await enrol(request)).toMatchObject({
      ok: true,
      encodedJitConfig: `jit-mayfly-${ID}-2`,
      reissued: true,
    });
    expect(removed).toEqual([1]);
    expect(created).toHaveLength(2);
  });

  it.each([
    ["a token for another pool", { pool: "gpu" }, undefined, "unknown-pool", 403],
    ["a token for another org", { org: "evil" }, undefined, "instance-mismatch", 403],
    ["a token from another launch", { launch: "L2" }, undefined, "instance-mismatch", 403],
    [
      "an instance that is not Mayfly's",
      {},
      instance({ [TAG.managedBy]: "someone-else" }),
      "instance-not-managed",
      403,
    ],
    ["an unknown instance", {}, null, "instance-not-managed", 403],
    ["an instance that is shutting down", {}, instance({}, "shutting-down"), "instance-not-running", 403],
  ])("refuses %s", async (_, claims, found, reason, status) => {
    const { enrol, created } = setup(found === null ? undefined : (found ?? instance()));
    expect(await enrol({ token: await token(claims), identity: identity() })).toMatchObject({
      ok: false,
      reason,
      status,
    });
    expect(created).toEqual([]);
  });

  it("refuses a garbage token with 401 before looking at anything else", async () => {
    const { enrol } = setup(instance());
    expect(await enrol({ token: "garbage", identity: identity() })).toMatchObject({
      ok: false,
      status: 401,
      reason: "token-invalid",
    });
  });

  it("refuses a forged identity document", async () => {
    const { enrol } = setup(instance());
    const forged = {
      ...identity(),
      document: identity({ instanceId: "i-0aaaaaaaaaaaaaaa0" }).document.replace("us-east-1a", "us-east-1b"),
    };
    expect(await enrol({ token: await token(), identity: forged })).toMatchObject({
      ok: false,
      reason: "identity-signature",
    });
  });
});
