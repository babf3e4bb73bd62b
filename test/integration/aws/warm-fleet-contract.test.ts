import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createEmulatorClient } from "../../../emulators/src/ec2/client.js";
import { startEc2Emulator } from "../../../emulators/src/ec2/emulator.js";
import { createEc2Fleet } from "../../../src/aws/ec2-fleet.js";
import { createEc2WarmFleet } from "../../../src/aws/ec2-warm-fleet.js";
import type { Fleet, LaunchSpec } from "../../../src/aws/fleet.js";
import { createMemoryFleet } from "../../../src/aws/memory-fleet.js";
import type { WarmFleet } from "../../../src/aws/warm-fleet.js";
import type { InstanceState } from "../../../src/domain/instance-state.js";
import { LaunchConfigError } from "../../../src/errors.js";
import { type Pool, parsePoolFile } from "../../../src/pool-file.js";

/** Generous: these files share two cores with the rest of the suite. */
const WAIT = { timeout: 5_000, interval: 10 };

/** The warm half of the fleet contract (STYLE.md principle 13): the memory fake behaves as EC2 does. */
interface Harness {
  fleet: Fleet & WarmFleet;
  /** Lets a pending instance reach running. */
  boot(id: string): Promise<void>;
  powerOff(id: string): void;
  userDataOf(id: string): string | undefined;
  close(): Promise<void>;
}

const harnesses: [string, () => Promise<Harness>][] = [
  [
    "memory fleet",
    async () => {
      const fleet = createMemoryFleet({ deploymentId: "contract" });
      return {
        fleet,
        boot: async (id) => fleet.setState(id, "running"),
        powerOff: (id) => fleet.powerOff(id),
        userDataOf: (id) => fleet.userDataOf(id),
        close: async () => {},
      };
    },
  ],
  [
    "EC2 adapters over the emulator",
    async () => {
      const emulator = await startEc2Emulator({
        bootDelayMs: 20,
        startDelayMs: 20,
        shutdownDelayMs: 20,
        throttling: false,
      });
      const client = createEmulatorClient(emulator, { maxAttempts: 1 });
      const fleet = createEc2Fleet({ client, deploymentId: "contract" });
      return {
        fleet: { ...fleet, ...createEc2WarmFleet({ client }) },
        boot: (id) => vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("running"), WAIT),
        powerOff: (id) => emulator.powerOff(id),
        userDataOf: (id) => emulator.instance(id)?.userData,
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
  - name: warm
    labels: [linux, x64, mayfly-warm]
    instanceTypes: [m7i.large]
    market: on-demand
    image: { ssmParameter: /mayfly/runner-ami }
    subnets: [subnet-0aaaaaaaaaaaaaaa1]
    securityGroups: [sg-0123456789abcdef0]
    instanceProfile: mayfly-runner
    maxRunners: 5
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
    clientToken: `warm-${counter}`,
    userData: "#!/bin/sh\nMAYFLY_WARM_UP='1'\n",
    tags: { "mayfly:pool": "warm", "mayfly:warm": "stopped" },
    shutdownBehaviour: "stop",
    ...overrides,
  };
}

describe.each(harnesses)("Warm fleet contract: %s", (_name, makeHarness) => {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const stateOf = async (id: string): Promise<InstanceState | undefined> =>
    (await h.fleet.describe([id]))[0]?.state;
  const reach = (id: string, state: InstanceState) =>
    vi.waitFor(async () => expect(await stateOf(id)).toBe(state), WAIT);

  it("warm-up: a stop-on-shutdown launch powers off into stopped; claimed, it starts once and terminates after", async () => {
    const [launched] = await h.fleet.launch(spec());
    const id = launched?.instanceId ?? "";
    await h.boot(id);
    h.powerOff(id);
    await reach(id, "stopped");
    const first = (await h.fleet.describe([id]))[0]?.launchedAt ?? 0;

    // The claim (ADR 0014): the warm tag goes, fresh user data, terminate on shutdown, start.
    await h.fleet.untag(id, "mayfly:warm");
    expect(await h.fleet.setUserData(id, "#!/bin/sh\nMAYFLY_BOOTSTRAP_TOKEN='fresh'\n")).toBe("set");
    await h.fleet.setShutdownBehaviour(id, "terminate");
    await new Promise((r) => setTimeout(r, 5));
    // The conditional step: the call that moved it out of `stopped` is told so; a racing one is not.
    const [winner, loser] = await Promise.all([h.fleet.start([id]), h.fleet.start([id])]);
    expect([winner, loser].sort((a, b) => b.length - a.length)).toEqual([[id], []]);
    await h.fleet.tag(id, { "mayfly:jobs": "42" });
    expect((await h.fleet.describe([id]))[0]?.tags["mayfly:jobs"]).toBe("42");
    expect(h.userDataOf(id)).toBe("#!/bin/sh\nMAYFLY_BOOTSTRAP_TOKEN='fresh'\n");
    await h.boot(id);
    const started = (await h.fleet.describe([id]))[0];
    expect(started?.tags["mayfly:warm"]).toBeUndefined();
    expect(started?.launchedAt).toBeGreaterThan(first);
    // Starting again while it runs changes nothing; user data cannot change now.
    expect(await h.fleet.start([id])).toEqual([]);
    expect(await h.fleet.setUserData(id, "#!/bin/sh\n")).toBe("not-stopped");

    h.powerOff(id);
    await reach(id, "terminated");
    await expect(h.fleet.start([id])).rejects.toMatchObject({
      constructor: LaunchConfigError,
      code: "IncorrectInstanceState",
    });
  });

  it("stops a running instance (a warm-up whose guest never powered off)", async () => {
    const [launched] = await h.fleet.launch(spec());
    const id = launched?.instanceId ?? "";
    await h.boot(id);
    await h.fleet.stop([id]);
    await reach(id, "stopped");
    await h.fleet.stop([id]);
    expect(await stateOf(id)).toBe("stopped");
  });
});
