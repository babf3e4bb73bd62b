import {
  DeleteTagsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  type EC2Client,
  type Instance,
  ModifyInstanceAttributeCommand,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it, vi } from "vitest";
import { attachAgents } from "../src/agent/agent-fleet.js";
import { createEmulatorClient } from "../src/ec2/client.js";
import { type Ec2Emulator, type Ec2EmulatorOptions, startEc2Emulator } from "../src/ec2/emulator.js";

/** Generous: these files share two cores with the rest of the suite. */
const WAIT = { timeout: 5_000, interval: 10 };
const SUBNET = "subnet-0aaaaaaaaaaaaaaa1";
let emulator: Ec2Emulator | undefined;
let ec2: EC2Client | undefined;
let clock = Date.parse("2026-11-25T10:00:00Z");

async function start(options: Ec2EmulatorOptions = {}) {
  emulator = await startEc2Emulator({
    bootDelayMs: 20,
    startDelayMs: 20,
    shutdownDelayMs: 20,
    throttling: false,
    now: () => clock,
    ...options,
  });
  ec2 = createEmulatorClient(emulator, { maxAttempts: 1 });
  return { emulator, ec2 };
}

afterEach(async () => {
  ec2?.destroy();
  await emulator?.stop();
  emulator = undefined;
  ec2 = undefined;
});

async function launch(client: EC2Client, overrides: Partial<RunInstancesCommandInput> = {}) {
  const out = await client.send(
    new RunInstancesCommand({
      ImageId: "ami-0123456789abcdef0",
      InstanceType: "m7i.large",
      MinCount: 1,
      MaxCount: 1,
      SubnetId: SUBNET,
      ...overrides,
    }),
  );
  return out.Instances?.[0]?.InstanceId ?? "";
}

async function describe1(client: EC2Client, id: string): Promise<Instance | undefined> {
  const out = await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations?.[0]?.Instances?.[0];
}

async function running(emulator: Ec2Emulator, client: EC2Client, overrides = {}) {
  const id = await launch(client, overrides);
  await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("running"), WAIT);
  return id;
}

async function stopped(emulator: Ec2Emulator, client: EC2Client) {
  const id = await running(emulator, client);
  await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
  await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("stopped"), WAIT);
  return id;
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: { name?: string }) => e.name,
  );

describe("StopInstances", () => {
  it("goes running → stopping → stopped, keeping the id, the volumes and the private address", async () => {
    const { emulator, ec2 } = await start();
    const id = await running(emulator, ec2, {
      BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeSize: 30 } }],
    });
    const before = await describe1(ec2, id);
    const out = await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    expect(out.StoppingInstances?.[0]).toMatchObject({
      InstanceId: id,
      CurrentState: { Name: "stopping", Code: 64 },
      PreviousState: { Name: "running", Code: 16 },
    });
    await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("stopped"), WAIT);
    const after = await describe1(ec2, id);
    expect(after?.State?.Name).toBe("stopped");
    expect(after?.PrivateIpAddress).toBe(before?.PrivateIpAddress);
    expect(after?.BlockDeviceMappings?.map((b) => b.Ebs?.VolumeId)).toEqual(
      before?.BlockDeviceMappings?.map((b) => b.Ebs?.VolumeId),
    );
    expect(emulator.instance(id)?.volumes[0]).toMatchObject({ state: "in-use", sizeGiB: 30 });
    const filtered = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: "instance-state-name", Values: ["stopped"] }] }),
    );
    expect(filtered.Reservations?.flatMap((r) => r.Instances?.map((i) => i.InstanceId))).toEqual([id]);
    // Stopping again answers the state again (idempotent).
    const again = await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    expect(again.StoppingInstances?.[0]?.CurrentState?.Name).toBe("stopped");
  });

  it("refuses a pending instance, a terminated one and a one-time spot instance", async () => {
    const { emulator, ec2 } = await start({ bootDelayMs: 60_000 });
    const pending = await launch(ec2);
    expect(await codeOf(ec2.send(new StopInstancesCommand({ InstanceIds: [pending] })))).toBe(
      "IncorrectInstanceState",
    );
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [pending] }));
    await vi.waitFor(() => expect(emulator.instance(pending)?.state).toBe("terminated"), WAIT);
    expect(await codeOf(ec2.send(new StopInstancesCommand({ InstanceIds: [pending] })))).toBe(
      "IncorrectInstanceState",
    );
    const spot = await launch(ec2, { InstanceMarketOptions: { MarketType: "spot" } });
    expect(await codeOf(ec2.send(new StopInstancesCommand({ InstanceIds: [spot] })))).toBe(
      "UnsupportedOperation",
    );
    expect(await codeOf(ec2.send(new StopInstancesCommand({ InstanceIds: ["i-0000000000000dead"] })))).toBe(
      "InvalidInstanceID.NotFound",
    );
  });
});

describe("StartInstances", () => {
  it("starts a stopped instance after the start delay, not the boot delay, with a new pendingTime", async () => {
    const { emulator, ec2 } = await start({ bootDelayMs: 20, startDelayMs: 60_000 });
    const id = await stopped(emulator, ec2);
    const firstDocument = JSON.parse(emulator.instance(id)?.identityDocument ?? "{}");
    expect(firstDocument.pendingTime).toBe("2026-11-25T10:00:00Z");
    clock = Date.parse("2026-11-28T09:30:00Z");
    const out = await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
    expect(out.StartingInstances?.[0]).toMatchObject({
      InstanceId: id,
      CurrentState: { Name: "pending" },
      PreviousState: { Name: "stopped" },
    });
    // The cold boot delay (20 ms) is long past by now; the start delay (60 s) is not.
    const cold = await launch(ec2);
    await vi.waitFor(() => expect(emulator.instance(cold)?.state).toBe("running"), WAIT);
    expect(emulator.instance(id)?.state).toBe("pending");
    const document = JSON.parse(emulator.instance(id)?.identityDocument ?? "{}");
    expect(document).toMatchObject({ instanceId: id, pendingTime: "2026-11-28T09:30:00Z" });
    expect((await describe1(ec2, id))?.LaunchTime?.toISOString()).toBe("2026-11-28T09:30:00.000Z");
    clock = Date.parse("2026-11-25T10:00:00Z");
  });

  it("reaches running, is idempotent on a running instance, and refuses a terminated one", async () => {
    const { emulator, ec2 } = await start();
    const id = await stopped(emulator, ec2);
    await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
    await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("running"), WAIT);
    const again = await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
    expect(again.StartingInstances?.[0]?.CurrentState?.Name).toBe("running");
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(await codeOf(ec2.send(new StartInstancesCommand({ InstanceIds: [id] })))).toBe(
      "IncorrectInstanceState",
    );
  });

  it("needs capacity as a launch does", async () => {
    const { emulator, ec2 } = await start();
    const id = await stopped(emulator, ec2);
    emulator.setCapacity({ instanceType: "m7i.large", limit: 1 });
    await running(emulator, ec2);
    expect(await codeOf(ec2.send(new StartInstancesCommand({ InstanceIds: [id] })))).toBe(
      "InsufficientInstanceCapacity",
    );
    expect(emulator.instance(id)?.state).toBe("stopped");
  });

  it("has its own request bucket: 5, then RequestLimitExceeded while the clock stands still", async () => {
    const { emulator, ec2 } = await start({ throttling: {} });
    const id = await stopped(emulator, ec2);
    for (let i = 0; i < 5; i += 1) await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
    expect(await codeOf(ec2.send(new StartInstancesCommand({ InstanceIds: [id] })))).toBe(
      "RequestLimitExceeded",
    );
    // RunInstances draws from its own bucket, not StartInstances'.
    expect(await codeOf(launch(ec2))).toBe("ok");
  });
});

describe("ModifyInstanceAttribute", () => {
  it("changes user data only while the instance is stopped (IncorrectInstanceState otherwise)", async () => {
    const { emulator, ec2 } = await start();
    const id = await running(emulator, ec2, { UserData: Buffer.from("old").toString("base64") });
    expect(
      await codeOf(
        ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, UserData: userData("new") })),
      ),
    ).toBe("IncorrectInstanceState");
    await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("stopped"), WAIT);
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, UserData: userData("new") }));
    const read = await ec2.send(
      new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: "userData" }),
    );
    expect(Buffer.from(read.UserData?.Value ?? "", "base64").toString()).toBe("new");
    expect(emulator.instance(id)?.userData).toBe("new");
  });

  it("changes the shutdown behaviour in any live state, one attribute per call", async () => {
    const { emulator, ec2 } = await start();
    const id = await running(emulator, ec2, { InstanceInitiatedShutdownBehavior: "stop" });
    await ec2.send(
      new ModifyInstanceAttributeCommand({
        InstanceId: id,
        InstanceInitiatedShutdownBehavior: { Value: "terminate" },
      }),
    );
    const read = await ec2.send(
      new DescribeInstanceAttributeCommand({
        InstanceId: id,
        Attribute: "instanceInitiatedShutdownBehavior",
      }),
    );
    expect(read.InstanceInitiatedShutdownBehavior?.Value).toBe("terminate");
    emulator.powerOff(id);
    await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("terminated"), WAIT);
    const other = await running(emulator, ec2);
    expect(
      await codeOf(
        ec2.send(
          new ModifyInstanceAttributeCommand({
            InstanceId: other,
            InstanceInitiatedShutdownBehavior: { Value: "stop" },
            DisableApiTermination: { Value: true },
          }),
        ),
      ),
    ).toBe("InvalidParameterCombination");
    expect(
      await codeOf(
        ec2.send(
          new ModifyInstanceAttributeCommand({
            InstanceId: other,
            InstanceInitiatedShutdownBehavior: { Value: "explode" },
          }),
        ),
      ),
    ).toBe("InvalidParameterValue");
  });
});

describe("DeleteTags", () => {
  it("removes a key, or only a matching value", async () => {
    const { emulator, ec2 } = await start();
    const id = await launch(ec2, {
      TagSpecifications: [
        {
          ResourceType: "instance",
          Tags: [
            { Key: "mayfly:warm", Value: "stopped" },
            { Key: "keep", Value: "1" },
          ],
        },
      ],
    });
    await ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: "keep", Value: "2" }] }));
    await ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: "mayfly:warm" }] }));
    expect(emulator.instance(id)?.tags).toEqual({ keep: "1" });
  });
});

describe("the simulated agent's warm-up boot", () => {
  it("boots, does not enrol, powers off, and the instance waits stopped; started again it reads new user data", async () => {
    const { emulator, ec2 } = await start();
    const agents = attachAgents(emulator, { backoffMs: 10 });
    try {
      const id = await launch(ec2, {
        InstanceInitiatedShutdownBehavior: "stop",
        MetadataOptions: { HttpTokens: "required" },
        UserData: Buffer.from("#!/bin/sh\nMAYFLY_WARM_UP='1'\n").toString("base64"),
      });
      await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("stopped"), WAIT);
      expect(agents.events.filter((e) => e.instanceId === id).map((e) => e.kind)).toEqual([
        "warmed-up",
        "powered-off",
      ]);
      // Started for a job with user data that names no app: the agent runs again and says so.
      await ec2.send(
        new ModifyInstanceAttributeCommand({ InstanceId: id, UserData: userData("#!/bin/sh\n") }),
      );
      await ec2.send(
        new ModifyInstanceAttributeCommand({
          InstanceId: id,
          InstanceInitiatedShutdownBehavior: { Value: "terminate" },
        }),
      );
      await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
      await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("terminated"), WAIT);
      const last = agents.events.filter((e) => e.instanceId === id).at(-1);
      expect(last).toMatchObject({
        kind: "powered-off",
        why: "user-data lacks MAYFLY_URL or MAYFLY_BOOTSTRAP_TOKEN",
      });
    } finally {
      agents.stop();
    }
  });
});

function userData(text: string) {
  return { Value: new TextEncoder().encode(text) };
}
