import {
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  type EC2Client,
  type Instance,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createEmulatorClient } from "../src/ec2/client.js";
import { type Ec2Emulator, type Ec2EmulatorOptions, startEc2Emulator } from "../src/ec2/emulator.js";

/** Generous: these files share two cores with the rest of the suite. */
const WAIT = { timeout: 5_000, interval: 10 };

const SUBNET = "subnet-0aaaaaaaaaaaaaaa1";
let emulator: Ec2Emulator | undefined;
let ec2: EC2Client | undefined;

async function start(options: Ec2EmulatorOptions = {}): Promise<{ emulator: Ec2Emulator; ec2: EC2Client }> {
  emulator = await startEc2Emulator({ bootDelayMs: 30, shutdownDelayMs: 400, throttling: false, ...options });
  ec2 = createEmulatorClient(emulator, { maxAttempts: 1 });
  return { emulator, ec2 };
}

afterEach(async () => {
  ec2?.destroy();
  await emulator?.stop();
  emulator = undefined;
  ec2 = undefined;
});

async function launch(client: EC2Client, overrides: Partial<RunInstancesCommandInput> = {}): Promise<string> {
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
  const out = await client.send(
    new DescribeInstancesCommand({ Filters: [{ Name: "instance-id", Values: [id] }] }),
  );
  return out.Reservations?.[0]?.Instances?.[0];
}

describe("instance lifecycle", () => {
  it("boots pending → running after the boot delay and tells listeners", async () => {
    // Long enough that the first (cold) SDK calls finish while the instance is still pending.
    const { emulator, ec2 } = await start({ bootDelayMs: 1_000 });
    const running: string[] = [];
    const changes: string[] = [];
    emulator.onInstanceRunning((i) => running.push(i.instanceId));
    const unsubscribe = emulator.onInstanceStateChange((i, previous) =>
      changes.push(`${previous}→${i.state}`),
    );
    const id = await launch(ec2);
    expect((await describe1(ec2, id))?.State).toEqual({ Code: 0, Name: "pending" });
    await vi.waitFor(() => expect(running).toEqual([id]), WAIT);
    expect((await describe1(ec2, id))?.State).toEqual({ Code: 16, Name: "running" });
    expect(changes).toEqual(["pending→running"]);
    unsubscribe();
  });

  it("terminates on guest power-off when the shutdown behaviour is terminate", async () => {
    const { emulator, ec2 } = await start();
    const id = await launch(ec2, { InstanceInitiatedShutdownBehavior: "terminate" });
    await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("running"), WAIT);
    emulator.powerOff(id);
    const shuttingDown = await describe1(ec2, id);
    expect(shuttingDown?.State).toEqual({ Code: 32, Name: "shutting-down" });
    expect(shuttingDown?.StateReason?.Code).toBe("Client.InstanceInitiatedShutdown");
    await vi.waitFor(async () => expect((await describe1(ec2, id))?.State?.Name).toBe("terminated"), WAIT);
  });

  it("stops on guest power-off by default (shutdown behaviour stop)", async () => {
    const { emulator, ec2 } = await start();
    const id = await launch(ec2);
    await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("running"), WAIT);
    emulator.powerOff(id);
    expect((await describe1(ec2, id))?.State).toEqual({ Code: 64, Name: "stopping" });
    await vi.waitFor(async () =>
      expect((await describe1(ec2, id))?.State).toEqual({ Code: 80, Name: "stopped" }),
    );
  });

  it("TerminateInstances: shutting-down then terminated, volumes deleted, user-initiated reason", async () => {
    const { emulator, ec2 } = await start();
    const id = await launch(ec2);
    await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("running"), WAIT);
    const out = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(out.TerminatingInstances).toEqual([
      {
        InstanceId: id,
        PreviousState: { Code: 16, Name: "running" },
        CurrentState: { Code: 32, Name: "shutting-down" },
      },
    ]);
    await vi.waitFor(async () => expect((await describe1(ec2, id))?.State?.Name).toBe("terminated"), WAIT);
    const terminated = await describe1(ec2, id);
    expect(terminated?.StateReason?.Code).toBe("Client.UserInitiatedShutdown");
    expect(terminated?.StateTransitionReason).toMatch(
      /^User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)$/,
    );
    const volumes = await ec2.send(
      new DescribeVolumesCommand({ Filters: [{ Name: "attachment.instance-id", Values: [id] }] }),
    );
    expect(volumes.Volumes).toEqual([]);
    const again = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(again.TerminatingInstances?.[0]?.CurrentState?.Name).toBe("terminated");
  });

  it("keeps terminated instances visible for the retention period, then forgets them", async () => {
    const { emulator, ec2 } = await start({ terminatedRetentionMs: 600 });
    const id = await launch(ec2);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("terminated"), WAIT);
    expect((await describe1(ec2, id))?.State?.Name).toBe("terminated");
    await vi.waitFor(() => expect(emulator.instance(id)).toBeUndefined(), WAIT);
    expect(await describe1(ec2, id)).toBeUndefined();
    const error = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] })).catch((e: Error) => e);
    expect((error as Error).name).toBe("InvalidInstanceID.NotFound");
  });

  it("interrupts spot instances with Server.SpotInstanceTermination", async () => {
    const { emulator, ec2 } = await start();
    const id = await launch(ec2, { InstanceMarketOptions: { MarketType: "spot" } });
    await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("running"), WAIT);
    // No notice: the termination itself (the two-minute warning is covered in ec2-spot-interruptions).
    emulator.interruptSpot(id, { noticeMs: 0 });
    await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("terminated"), WAIT);
    expect((await describe1(ec2, id))?.StateReason?.Code).toBe("Server.SpotInstanceTermination");
  });

  it("leaves an on-demand instance alone when asked to interrupt it as spot", async () => {
    const { emulator, ec2 } = await start();
    const id = await launch(ec2);
    await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("running"), WAIT);
    emulator.interruptSpot(id);
    expect(emulator.instance(id)?.state).toBe("running");
  });

  it("stops its timers on stop(): nothing changes state afterwards", async () => {
    const { emulator, ec2 } = await start({ bootDelayMs: 300 });
    const id = await launch(ec2);
    const changes: string[] = [];
    emulator.onInstanceStateChange((i) => changes.push(i.state));
    await emulator.stop();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(changes).toEqual([]);
    expect(emulator.instance(id)?.state).toBe("pending");
  });
});
