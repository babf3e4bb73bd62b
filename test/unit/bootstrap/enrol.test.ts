import { randomBytes, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ManagedInstance } from "../../../src/aws/fleet.js";
import { createEnrolment } from "../../../src/bootstrap/enrol.js";
import type { EnrolmentTags } from "../../../src/bootstrap/enrolment-tags.js";
import { createIdentityVerifier } from "../../../src/bootstrap/identity.js";
import type { InstanceLookup } from "../../../src/bootstrap/instance-lookup.js";
import { createRunnerIssuer, type EnrolmentRunners } from "../../../src/bootstrap/issue-runner.js";
import { createTokenIssuer, createTokenVerifier } from "../../../src/bootstrap/token.js";
import { TAG } from "../../../src/domain/tags.js";
import { ConfigError, RunnerExistsError } from "../../../src/errors.js";
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

/**
 * In-memory EC2 and GitHub for enrolment. EC2's tag view can lag (`stale`), as DescribeInstances may
 * not show a tag just written; `state` is what a fresh describe answers.
 */
function setup(found: ManagedInstance | undefined, options: { stale?: boolean; runnerGroup?: string } = {}) {
  let clock = T0 + 10_000;
  const now = () => clock;
  const created: Array<{ name: string; labels: readonly string[]; runnerGroupId: number }> = [];
  /** GitHub's view: registered runners by name, and whether each has connected. */
  const registered = new Map<string, { id: number; online: boolean; busy: boolean }>();
  const removed: number[] = [];
  const tagWrites: string[] = [];
  const calls: string[] = [];
  let failNextSend: Error | undefined;
  let stateNow: ManagedInstance["state"] = found?.state ?? "running";
  const truth = found && { ...found, tags: { ...found.tags } };
  const runners: EnrolmentRunners = {
    async createJitConfig(_ref, runner, call) {
      call?.signal?.throwIfAborted();
      await call?.beforeSend?.();
      calls.push("send");
      if (failNextSend) {
        const error = failNextSend;
        failNextSend = undefined;
        throw error;
      }
      if (registered.has(runner.name)) throw new RunnerExistsError("exists");
      created.push(runner);
      registered.set(runner.name, { id: created.length, online: false, busy: false });
      return { runnerId: created.length, encodedJitConfig: `jit-${runner.name}-${created.length}` };
    },
    find: async (_ref, name) => {
      const r = registered.get(name);
      return r && { id: r.id, name, status: r.online ? "online" : "offline", busy: r.busy, labels: [] };
    },
    remove: async (_ref, id) => {
      removed.push(id);
      for (const [name, r] of registered) if (r.id === id) registered.delete(name);
      return "removed";
    },
    runnerGroupId: async (ref, name) => {
      if (name === "ci") return 7;
      throw new ConfigError([
        { key: "pools[].runnerGroup", problem: `no group ${name} in ${ref.org}`, fix: "create it" },
      ]);
    },
  };
  const view = () => (options.stale ? found : truth);
  const instances: InstanceLookup = {
    get: async (id) => (id === ID ? view() && { ...view()!, tags: { ...view()!.tags } } : undefined),
    fresh: async (id) => {
      calls.push("describe");
      return id === ID && truth ? { ...truth, state: stateNow, tags: { ...truth.tags } } : undefined;
    },
  };
  const tags: EnrolmentTags = {
    async write(id, value) {
      calls.push("tag");
      tagWrites.push(value);
      if (!truth || id !== ID) return "gone";
      truth.tags[TAG.enrolled] = value;
      return "written";
    },
  };
  const replica = () =>
    createEnrolment({
      tokens: createTokenVerifier({ keys: [key], issuer: "mayfly:mayfly", now }),
      identity: createIdentityVerifier({
        certificatePem: cert,
        region: "us-east-1",
        accountId: "123456789012",
      }),
      instances,
      issue: createRunnerIssuer({ runners, tags, instances, runnerPrefix: "mayfly-", now }),
      pools: file!.pools.map((p) => ({ ...p, runnerGroup: options.runnerGroup ?? p.runnerGroup })),
      deploymentId: "mayfly",
      now,
    });
  const enrol = replica();
  const runner = (name: string) => registered.get(name);
  return {
    enrol,
    replica,
    created,
    removed,
    tagWrites,
    calls,
    connect: (name: string) => {
      const r = runner(name);
      if (r) r.online = true;
    },
    /** What GitHub does with a JIT runner after its one job: remove it. */
    finishJob: (name: string) => registered.delete(name),
    failNextSend: (error: Error) => {
      failNextSend = error;
    },
    terminate: () => {
      stateNow = "terminated";
    },
    /** The reaper tags the instance at a spot interruption warning; a stale listing may not show it. */
    warn: () => {
      if (truth) truth.tags[TAG.interrupted] = new Date(clock).toISOString();
    },
    tick: (ms: number) => {
      clock += ms;
    },
  };
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

  it("refuses a second use once the runner has connected", async () => {
    const { enrol, connect, removed } = setup(instance());
    const request = { token: await token(), identity: identity() };
    expect((await enrol(request)).ok).toBe(true);
    connect(`mayfly-${ID}`);
    expect(await enrol(request)).toMatchObject({ ok: false, status: 403, reason: "replayed" });
    expect(removed).toEqual([]);
  });

  it("records the enrolment in the instance's tag before GitHub is asked, and checks EC2's state then", async () => {
    const { enrol, calls, tagWrites } = setup(instance());
    expect((await enrol({ token: await token(), identity: identity() })).ok).toBe(true);
    expect(calls).toEqual(["tag", "describe", "send"]);
    expect(tagWrites).toEqual(["issued/1/2026-11-25T12:00:10.000Z"]);
  });

  it("answers a retry whose first answer was lost once: the never-connected runner is replaced", async () => {
    const { enrol, created, removed, tagWrites } = setup(instance());
    const request = { token: await token(), identity: identity() };
    expect(await enrol(request)).toMatchObject({ ok: true, encodedJitConfig: `jit-mayfly-${ID}-1` });
    expect(await enrol(request)).toMatchObject({
      ok: true,
      encodedJitConfig: `jit-mayfly-${ID}-2`,
      reissued: true,
    });
    expect(removed).toEqual([1]);
    expect(tagWrites.map((v) => v.split("/").slice(0, 2).join("/"))).toEqual(["issued/1", "issued/2"]);
    // Finding 2: whoever asks a third time is refused, and the second config stays valid.
    expect(await enrol(request)).toMatchObject({ ok: false, reason: "already-enrolled" });
    expect(created).toHaveLength(2);
    expect(removed).toEqual([1]);
  });

  it("refuses to enrol an instance again after its job, when GitHub has removed the runner (finding 1)", async () => {
    const { enrol, replica, finishJob, created, tick } = setup(instance());
    const request = { token: await token(), identity: identity() };
    expect((await enrol(request)).ok).toBe(true);
    finishJob(`mayfly-${ID}`);
    tick(60_000);
    expect(await enrol(request)).toMatchObject({ ok: false, status: 403, reason: "already-enrolled" });
    // Another replica reads the tag from EC2.
    expect(await replica()(request)).toMatchObject({ ok: false, reason: "already-enrolled" });
    expect(created).toHaveLength(1);
  });

  it("issues once when two replicas race with a stale view of the tag: GitHub's 409 is the second lock", async () => {
    const { replica, created, removed } = setup(instance(), { stale: true });
    const request = { token: await token(), identity: identity() };
    const [a, b] = [replica(), replica()];
    const results = await Promise.all([a(request), b(request)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ reason: "replayed" });
    expect(created).toHaveLength(1);
    expect(removed).toEqual([]);
  });

  it("a replica's own write counts even while its view of EC2 is stale", async () => {
    const { enrol, finishJob, created } = setup(instance(), { stale: true });
    const request = { token: await token(), identity: identity() };
    expect((await enrol(request)).ok).toBe(true);
    finishJob(`mayfly-${ID}`);
    expect(await enrol(request)).toMatchObject({ ok: false, reason: "already-enrolled" });
    expect(created).toHaveLength(1);
  });

  it("a send that failed does not use up the enrolment", async () => {
    const { enrol, failNextSend, tagWrites, created } = setup(instance());
    const request = { token: await token(), identity: identity() };
    failNextSend(new Error("GitHub 502"));
    await expect(enrol(request)).rejects.toThrow("GitHub 502");
    expect(tagWrites.map((v) => v.split("/")[0])).toEqual(["issued", "void"]);
    expect(await enrol(request)).toMatchObject({ ok: true, reissued: false });
    expect(created).toHaveLength(1);
  });

  it("a caller that hung up before its turn at GitHub writes no tag", async () => {
    const { enrol, tagWrites } = setup(instance());
    const gone = new AbortController();
    gone.abort();
    await expect(
      enrol({ token: await token(), identity: identity(), signal: gone.signal }),
    ).rejects.toThrow();
    expect(tagWrites).toEqual([]);
  });

  it("issues no config for an instance terminated after the listing saw it running (finding 6)", async () => {
    const { enrol, terminate, created } = setup(instance());
    terminate();
    expect(await enrol({ token: await token(), identity: identity() })).toMatchObject({
      ok: false,
      reason: "instance-not-running",
    });
    expect(created).toEqual([]);
  });

  it("registers no runner on an instance warned of a spot interruption", async () => {
    const { enrol, created } = setup(instance({ [TAG.interrupted]: "2026-11-25T10:00:00.000Z" }));
    expect(await enrol({ token: await token(), identity: identity() })).toMatchObject({
      ok: false,
      status: 403,
      reason: "instance-interrupted",
    });
    expect(created).toEqual([]);
  });

  it("registers no runner when the warning lands after the listing, seen by the look-up before sending", async () => {
    const { enrol, created, warn } = setup(instance(), { stale: true });
    warn();
    expect(await enrol({ token: await token(), identity: identity() })).toMatchObject({
      ok: false,
      reason: "instance-interrupted",
    });
    expect(created).toEqual([]);
  });

  it("answers a missing runner group as a config problem (503), not a refusal of the instance", async () => {
    const { enrol, created, tagWrites } = setup(instance(), { runnerGroup: "nope" });
    expect(await enrol({ token: await token(), identity: identity() })).toMatchObject({
      ok: false,
      status: 503,
      reason: "runner-group-missing",
    });
    expect(created).toEqual([]);
    expect(tagWrites).toEqual([]);
  });

  it("refuses an enrolment tag it did not write", async () => {
    const { enrol, created } = setup(instance({ [TAG.enrolled]: "yes" }));
    expect(await enrol({ token: await token(), identity: identity() })).toMatchObject({
      ok: false,
      reason: "enrolment-tag-unreadable",
    });
    expect(created).toEqual([]);
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
