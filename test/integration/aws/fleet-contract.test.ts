import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createEmulatorClient } from "../../../emulators/src/ec2/client.js";
import { startEc2Emulator } from "../../../emulators/src/ec2/emulator.js";
import { createEc2Fleet } from "../../../src/aws/ec2-fleet.js";
import type { Fleet, LaunchSpec, Market } from "../../../src/aws/fleet.js";
import { createMemoryFleet } from "../../../src/aws/memory-fleet.js";
import {
  CapacityError,
  LaunchConfigError,
  LaunchTokenReusedError,
  ThrottledError,
} from "../../../src/errors.js";
import { type Pool, parsePoolFile } from "../../../src/pool-file.js";

/** Generous: these files share two cores with the rest of the suite. */
const WAIT = { timeout: 5_000, interval: 10 };

/**
 * One suite, two implementations (STYLE.md principle 13): the in-memory fake other roles' unit tests
 * use must behave as the EC2 adapter does over the wire.
 */
interface Harness {
  /** This deployment's fleet ("contract"). */
  fleet: Fleet;
  /** Another deployment's fleet over the same cloud ("other"). */
  other: Fleet;
  limitCapacity(instanceType: string, market: Market, limit: number): void;
  throttleNextLaunch(): void;
  close(): Promise<void>;
}

const harnesses: [string, () => Promise<Harness>][] = [
  [
    "memory fleet",
    async () => {
      const fleet = createMemoryFleet({ deploymentId: "contract" });
      return {
        fleet,
        other: fleet.forDeployment("other"),
        limitCapacity: (instanceType, market, limit) => fleet.setCapacity({ instanceType, market, limit }),
        throttleNextLaunch: () => fleet.failNext("launch", new ThrottledError("RequestLimitExceeded", 1000)),
        close: async () => {},
      };
    },
  ],
  [
    "EC2 fleet over the emulator",
    async () => {
      const emulator = await startEc2Emulator({ bootDelayMs: 20, shutdownDelayMs: 20, throttling: false });
      const client = createEmulatorClient(emulator, { maxAttempts: 1 });
      return {
        fleet: createEc2Fleet({ client, deploymentId: "contract", pageSize: 5 }),
        other: createEc2Fleet({ client, deploymentId: "other" }),
        limitCapacity: (instanceType, market, limit) => emulator.setCapacity({ instanceType, market, limit }),
        throttleNextLaunch: () =>
          emulator.injectFault({ action: "RunInstances", code: "RequestLimitExceeded", count: 1 }),
        close: async () => {
          client.destroy();
          await emulator.stop();
        },
      };
    },
  ],
];

const POOL_FILE = `version: 1
pools:
  - name: large
    labels: [linux, x64, mayfly-large]
    instanceTypes: [m7i.large, m6i.large]
    market: spot-then-on-demand
    image: { ssmParameter: /mayfly/runner-ami }
    subnets: [subnet-0aaaaaaaaaaaaaaa1, subnet-0bbbbbbbbbbbbbbb2]
    securityGroups: [sg-0123456789abcdef0]
    instanceProfile: mayfly-runner
    volume: { sizeGiB: 50 }
    maxRunners: 20
    allow: { orgs: [acme] }
`;

function pool(): Pool {
  const { file, problems } = parsePoolFile(POOL_FILE, "contract.yml");
  if (!file) throw new Error(JSON.stringify(problems));
  return file.pools[0] as Pool;
}

let counter = 0;
function spec(overrides: Partial<LaunchSpec> = {}): LaunchSpec {
  counter += 1;
  return {
    pool: pool(),
    instanceType: "m7i.large",
    subnetId: "subnet-0aaaaaaaaaaaaaaa1",
    market: "on-demand",
    count: 1,
    clientToken: `job-${counter}`,
    userData: "#!/bin/bash\nmayfly-bootstrap\n",
    tags: { "mayfly:pool": "large", "mayfly:job-id": String(counter) },
    ...overrides,
  };
}

const ids = (items: readonly { instanceId: string }[]) => items.map((i) => i.instanceId).sort();

describe.each(harnesses)("Fleet contract: %s", (_name, makeHarness) => {
  let h: Harness;

  beforeEach(async () => {
    h = await makeHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  it("launches with the pool's shape and lists what it launched", async () => {
    const before = Date.now();
    const launched = await h.fleet.launch(spec({ count: 2, market: "spot" }));
    expect(launched).toHaveLength(2);
    for (const instance of launched) {
      expect(instance).toMatchObject({
        instanceType: "m7i.large",
        subnetId: "subnet-0aaaaaaaaaaaaaaa1",
        market: "spot",
      });
      expect(instance.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
      expect(instance.availabilityZone).toMatch(/^us-east-1[a-z]$/);
    }
    const listed = await h.fleet.list();
    expect(ids(listed)).toEqual(ids(launched));
    for (const instance of listed) {
      expect(["pending", "running"]).toContain(instance.state);
      expect(instance).toMatchObject({
        instanceType: "m7i.large",
        subnetId: "subnet-0aaaaaaaaaaaaaaa1",
        market: "spot",
      });
      expect(instance.tags).toMatchObject({ "mayfly:managed-by": "contract", "mayfly:pool": "large" });
      expect(instance.launchedAt).toBeGreaterThanOrEqual(before - 1000);
      expect(instance.launchedAt).toBeLessThanOrEqual(Date.now() + 1000);
    }
  });

  it("pages through more instances than one page holds", async () => {
    const launched = await h.fleet.launch(spec({ count: 12 }));
    expect(ids(await h.fleet.list({ states: ["pending", "running"] }))).toEqual(ids(launched));
  });

  it("returns the same instances for the same client token, and refuses the token with another spec", async () => {
    const once = spec({ clientToken: "job-777", count: 2 });
    const first = await h.fleet.launch(once);
    const again = await h.fleet.launch({ ...once });
    expect(ids(again)).toEqual(ids(first));
    expect(await h.fleet.list()).toHaveLength(2);
    await expect(h.fleet.launch({ ...once, count: 3 })).rejects.toBeInstanceOf(LaunchTokenReusedError);
  });

  it("launches fewer than asked when capacity is short", async () => {
    h.limitCapacity("m7i.large", "on-demand", 1);
    expect(await h.fleet.launch(spec({ count: 3 }))).toHaveLength(1);
  });

  it("throws CapacityError when the pool has no capacity, without affecting other markets", async () => {
    h.limitCapacity("m7i.large", "spot", 0);
    const error = await h.fleet.launch(spec({ market: "spot" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CapacityError);
    expect((error as CapacityError).code).toBe("InsufficientInstanceCapacity");
    expect(await h.fleet.launch(spec({ market: "on-demand" }))).toHaveLength(1);
  });

  it("throws ThrottledError when EC2 throttles the launch", async () => {
    h.throttleNextLaunch();
    await expect(h.fleet.launch(spec())).rejects.toBeInstanceOf(ThrottledError);
    expect(await h.fleet.launch(spec())).toHaveLength(1);
  });

  it("refuses launch tags that name another deployment", async () => {
    await expect(h.fleet.launch(spec({ tags: { "mayfly:managed-by": "other" } }))).rejects.toBeInstanceOf(
      LaunchConfigError,
    );
  });

  it("keeps other deployments' instances out of list and describe", async () => {
    const ours = await h.fleet.launch(spec());
    const theirs = await h.other.launch(spec());
    expect(ids(await h.fleet.list())).toEqual(ids(ours));
    expect(ids(await h.other.list())).toEqual(ids(theirs));
    expect(await h.fleet.describe(ids(theirs))).toEqual([]);
    expect(ids(await h.fleet.describe([...ids(ours), ...ids(theirs)]))).toEqual(ids(ours));
  });

  it("describes the named instances that exist, ignoring unknown and malformed ids, over 1000 at a time", async () => {
    const launched = await h.fleet.launch(spec({ count: 3 }));
    const unknown = Array.from(
      { length: 1200 },
      (_, i) => `i-${(0xdead00000 + i).toString(16).padStart(17, "0")}`,
    );
    const described = await h.fleet.describe([
      ...unknown.slice(0, 990),
      ...ids(launched),
      ...unknown.slice(990),
      "bogus",
    ]);
    expect(ids(described)).toEqual(ids(launched));
    expect(described[0]?.tags["mayfly:managed-by"]).toBe("contract");
  });

  it("terminates instances, ignoring unknown ids", async () => {
    const launched = await h.fleet.launch(spec({ count: 3 }));
    const [gone, ...kept] = ids(launched);
    await h.fleet.terminate([gone ?? "", "i-0000000000000dead", "not-an-id"]);
    expect(ids(await h.fleet.list({ states: ["pending", "running"] }))).toEqual(kept);
    const [described] = await h.fleet.describe([gone ?? ""]);
    expect(["shutting-down", "terminated"]).toContain(described?.state);
    await vi.waitFor(async () => expect(ids(await h.fleet.list())).toEqual(kept), WAIT);
    expect(ids(await h.fleet.list({ states: ["terminated"] }))).toEqual([gone]);
  });

  it("lists only the instances that carry a tag key, terminated ones included when asked", async () => {
    const [warned] = await h.fleet.launch(
      spec({
        market: "spot",
        tags: { "mayfly:pool": "large", "mayfly:interrupted": "2025-01-01T00:00:00.000Z" },
      }),
    );
    await h.fleet.launch(spec({ market: "spot" }));
    expect(ids(await h.fleet.list({ tagKey: "mayfly:interrupted" }))).toEqual([warned?.instanceId]);
    await h.fleet.terminate([warned?.instanceId ?? ""]);
    const all = ["pending", "running", "shutting-down", "terminated"] as const;
    await vi.waitFor(
      async () =>
        expect((await h.fleet.list({ states: all, tagKey: "mayfly:interrupted" }))[0]?.state).toBe(
          "terminated",
        ),
      WAIT,
    );
    expect(ids(await h.fleet.list({ states: all, tagKey: "mayfly:interrupted" }))).toEqual([
      warned?.instanceId,
    ]);
  });
});

describe("EC2 fleet: what reaches EC2", () => {
  it("sends the pool's shape, hardened: IMDSv2 only, encrypted volume, terminate on power-off", async () => {
    const emulator = await startEc2Emulator({
      bootDelayMs: 20,
      throttling: false,
      ssmParameters: { "/mayfly/runner-ami": "ami-0fedcba9876543210" },
    });
    const client = createEmulatorClient(emulator, { maxAttempts: 1 });
    try {
      const fleet = createEc2Fleet({ client, deploymentId: "contract" });
      const [launched] = await fleet.launch(spec({ market: "spot" }));
      expect(emulator.instance(launched?.instanceId ?? "")).toMatchObject({
        imageId: "ami-0fedcba9876543210",
        instanceType: "m7i.large",
        subnetId: "subnet-0aaaaaaaaaaaaaaa1",
        securityGroupIds: ["sg-0123456789abcdef0"],
        iamInstanceProfile: { arn: "arn:aws:iam::123456789012:instance-profile/mayfly-runner" },
        market: "spot",
        userData: "#!/bin/bash\nmayfly-bootstrap\n",
        shutdownBehavior: "terminate",
        metadataOptions: {
          httpTokens: "required",
          httpPutResponseHopLimit: 1,
          httpEndpoint: "enabled",
          instanceMetadataTags: "disabled",
        },
        volumes: [
          {
            deviceName: "/dev/xvda",
            sizeGiB: 50,
            volumeType: "gp3",
            encrypted: true,
            deleteOnTermination: true,
            tags: expect.objectContaining({ "mayfly:managed-by": "contract" }),
          },
        ],
      });
      expect(emulator.instance(launched?.instanceId ?? "")?.publicIp).toBeUndefined();

      const [withPublicIp] = await fleet.launch(spec({ pool: { ...pool(), publicIp: true } }));
      expect(emulator.instance(withPublicIp?.instanceId ?? "")?.publicIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    } finally {
      client.destroy();
      await emulator.stop();
    }
  });

  it("falls back to the instance-id filter when InvalidInstanceID.NotFound names no ids", async () => {
    const emulator = await startEc2Emulator({ bootDelayMs: 20, shutdownDelayMs: 60_000, throttling: false });
    const client = createEmulatorClient(emulator, { maxAttempts: 1 });
    try {
      const fleet = createEc2Fleet({ client, deploymentId: "contract" });
      const launched = ids(await fleet.launch(spec({ count: 2 })));
      const unknown = "i-0000000000000dead";
      const notFound = {
        code: "InvalidInstanceID.NotFound",
        message: "Some instances do not exist",
        count: 1,
      };
      emulator.injectFault({ action: "DescribeInstances", ...notFound });
      expect(ids(await fleet.describe([...launched, unknown]))).toEqual(launched);
      emulator.injectFault({ action: "TerminateInstances", ...notFound });
      await fleet.terminate([...launched, unknown]);
      expect(launched.map((id) => emulator.instance(id)?.state)).toEqual(["shutting-down", "shutting-down"]);
    } finally {
      client.destroy();
      await emulator.stop();
    }
  });
});
