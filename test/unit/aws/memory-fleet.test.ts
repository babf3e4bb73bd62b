import { describe, expect, it } from "vitest";
import type { LaunchSpec } from "../../../src/aws/fleet.js";
import { createMemoryFleet } from "../../../src/aws/memory-fleet.js";
import { CapacityError, ThrottledError, UnavailableError } from "../../../src/errors.js";
import { type Pool, parsePoolFile } from "../../../src/pool-file.js";

const { file } = parsePoolFile(
  `version: 1
pools:
  - name: small
    labels: [linux]
    instanceTypes: [t3.large]
    image: ami-0123456789abcdef0
    subnets: [subnet-0aaaaaaaaaaaaaaa1]
    securityGroups: [sg-0123456789abcdef0]
    maxRunners: 5
`,
  "memory.yml",
);
const pool = file?.pools[0] as Pool;

const spec = (overrides: Partial<LaunchSpec> = {}): LaunchSpec => ({
  pool,
  instanceType: "t3.large",
  subnetId: "subnet-0aaaaaaaaaaaaaaa1",
  market: "on-demand",
  count: 1,
  clientToken: "job-1",
  userData: "",
  tags: {},
  ...overrides,
});

describe("createMemoryFleet", () => {
  it("records launches and terminations, and stamps launch time from the injected clock", async () => {
    const fleet = createMemoryFleet({ now: () => 1_700_000_000_000, deploymentId: "test" });
    const [launched] = await fleet.launch(spec());
    await fleet.terminate([launched?.instanceId ?? "", "i-0000000000000dead"]);
    expect(fleet.launches).toHaveLength(1);
    expect(fleet.terminations).toEqual([[launched?.instanceId, "i-0000000000000dead"]]);
    expect(fleet.instances()).toEqual([
      expect.objectContaining({
        instanceId: launched?.instanceId,
        state: "terminated",
        launchedAt: 1_700_000_000_000,
        tags: { "mayfly:managed-by": "test" },
      }),
    ]);
  });

  it("fails the next calls of an operation with the injected error, then recovers", async () => {
    const fleet = createMemoryFleet();
    fleet.failNext("launch", new ThrottledError("slow down", 500), 2);
    fleet.failNext("list", new UnavailableError("down"));
    await expect(fleet.launch(spec({ clientToken: "a" }))).rejects.toBeInstanceOf(ThrottledError);
    await expect(fleet.launch(spec({ clientToken: "b" }))).rejects.toBeInstanceOf(ThrottledError);
    expect(await fleet.launch(spec({ clientToken: "c" }))).toHaveLength(1);
    await expect(fleet.list()).rejects.toBeInstanceOf(UnavailableError);
    expect(await fleet.list()).toHaveLength(1);
    expect(fleet.launches).toHaveLength(3);
  });

  it("counts only live instances against capacity; setState moves an instance along", async () => {
    const fleet = createMemoryFleet();
    fleet.setCapacity({ instanceType: "t3.large", limit: 1 });
    const [first] = await fleet.launch(spec({ clientToken: "a" }));
    await expect(fleet.launch(spec({ clientToken: "b" }))).rejects.toBeInstanceOf(CapacityError);
    fleet.setState(first?.instanceId ?? "", "stopped");
    expect(await fleet.launch(spec({ clientToken: "c" }))).toHaveLength(1);
    expect((await fleet.list({ states: ["stopped"] })).map((i) => i.instanceId)).toEqual([first?.instanceId]);
    expect(() => fleet.setState("i-0000000000000dead", "running")).toThrow();
  });
});
