import { DescribeInstancesCommand, type EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createEmulatorClient } from "../src/ec2/client.js";
import {
  EC2_DETAIL_TYPE,
  type Ec2Emulator,
  type EventBridgeEvent,
  startEc2Emulator,
} from "../src/ec2/emulator.js";

/**
 * Spot interruptions through the real SDK client and IMDS over HTTP: the warning two minutes ahead on the
 * emulator's clock (jumping the clock brings the termination forward), the state reason EC2 gives, the
 * EventBridge-shaped events, rebalance recommendations and random interruptions at a rate.
 */
const WAIT = { timeout: 5_000, interval: 10 };
const SUBNET = "subnet-0aaaaaaaaaaaaaaa1";

let emulator: Ec2Emulator | undefined;
let ec2: EC2Client | undefined;
let offset = 0;
const events: EventBridgeEvent[] = [];

async function start(): Promise<{ emulator: Ec2Emulator; ec2: EC2Client }> {
  offset = 0;
  events.length = 0;
  emulator = await startEc2Emulator({
    bootDelayMs: 20,
    shutdownDelayMs: 20,
    throttling: false,
    subnets: { [SUBNET]: "us-east-1a" },
    now: () => Date.now() + offset,
  });
  emulator.onEvent((e) => events.push(e));
  ec2 = createEmulatorClient(emulator, { maxAttempts: 1 });
  return { emulator, ec2 };
}

afterEach(async () => {
  ec2?.destroy();
  await emulator?.stop();
  emulator = undefined;
});

async function launch(client: EC2Client, market: "spot" | "on-demand" = "spot"): Promise<string> {
  const out = await client.send(
    new RunInstancesCommand({
      ImageId: "ami-0123456789abcdef0",
      InstanceType: "m7i.large",
      MinCount: 1,
      MaxCount: 1,
      SubnetId: SUBNET,
      MetadataOptions: { HttpTokens: "optional" },
      ...(market === "spot" ? { InstanceMarketOptions: { MarketType: "spot" } } : {}),
    }),
  );
  const id = out.Instances?.[0]?.InstanceId ?? "";
  await vi.waitFor(() => expect(emulator?.instance(id)?.state).toBe("running"), WAIT);
  return id;
}

async function imds(emu: Ec2Emulator, id: string, path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${emu.imdsUrl(id)}${path}`);
  return { status: res.status, text: await res.text() };
}

describe("spot interruption", () => {
  it("warns two minutes ahead (event and IMDS), then terminates with Server.SpotInstanceTermination", async () => {
    const { emulator, ec2 } = await start();
    const id = await launch(ec2);
    expect((await imds(emulator, id, "/latest/meta-data/spot/instance-action")).status).toBe(404);

    const before = Date.now() + offset;
    emulator.interruptSpot(id);
    const warning = events.find((e) => e["detail-type"] === EC2_DETAIL_TYPE.spotWarning);
    expect(warning).toMatchObject({
      version: "0",
      source: "aws.ec2",
      account: emulator.accountId,
      region: emulator.region,
      resources: [`arn:aws:ec2:${emulator.region}:${emulator.accountId}:instance/${id}`],
      detail: { "instance-id": id, "instance-action": "terminate" },
    });
    expect(warning?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const action = await imds(emulator, id, "/latest/meta-data/spot/instance-action");
    expect(action.status).toBe(200);
    const parsed = JSON.parse(action.text) as { action: string; time: string };
    expect(parsed.action).toBe("terminate");
    const notice = Date.parse(parsed.time) - before;
    expect(notice).toBeGreaterThan(118_000);
    expect(notice).toBeLessThanOrEqual(121_000);

    // Nothing happens until two minutes pass on the emulator's clock...
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(emulator.instance(id)?.state).toBe("running");
    // ...and jumping the clock brings the termination.
    offset += 120_000;
    await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("terminated"), WAIT);
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    const described = out.Reservations?.[0]?.Instances?.[0];
    expect(described?.StateReason?.Code).toBe("Server.SpotInstanceTermination");
    expect(described?.InstanceLifecycle).toBe("spot");
    const states = events
      .filter((e) => e["detail-type"] === EC2_DETAIL_TYPE.stateChange && e.detail["instance-id"] === id)
      .map((e) => e.detail.state);
    expect(states).toEqual(["running", "shutting-down", "terminated"]);
  });

  it("does not interrupt on-demand instances, nor warn twice", async () => {
    const { emulator, ec2 } = await start();
    const onDemand = await launch(ec2, "on-demand");
    const spot = await launch(ec2);
    emulator.interruptSpot(onDemand);
    emulator.interruptSpot(spot, { noticeMs: 60_000 });
    emulator.interruptSpot(spot);
    expect(events.filter((e) => e["detail-type"] === EC2_DETAIL_TYPE.spotWarning)).toHaveLength(1);
    offset += 60_000;
    await vi.waitFor(() => expect(emulator.instance(spot)?.state).toBe("terminated"), WAIT);
    expect(emulator.instance(onDemand)?.state).toBe("running");
  });

  it("sends a rebalance recommendation (event and IMDS) without terminating", async () => {
    const { emulator, ec2 } = await start();
    const id = await launch(ec2);
    expect((await imds(emulator, id, "/latest/meta-data/events/recommendations/rebalance")).status).toBe(404);
    emulator.recommendRebalance(id);
    expect(events.find((e) => e["detail-type"] === EC2_DETAIL_TYPE.rebalance)?.detail).toEqual({
      "instance-id": id,
    });
    const notice = await imds(emulator, id, "/latest/meta-data/events/recommendations/rebalance");
    expect(JSON.parse(notice.text)).toHaveProperty("noticeTime");
    expect(emulator.instance(id)?.state).toBe("running");
  });

  it("interrupts at a rate per instance-hour on the emulator clock, only the matching type", async () => {
    const { emulator, ec2 } = await start();
    const ids = [await launch(ec2), await launch(ec2), await launch(ec2)];
    emulator.setInterruptionRate({ perInstanceHour: 1_000, instanceType: "c7i.large" });
    offset += 3_600_000;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(events.filter((e) => e["detail-type"] === EC2_DETAIL_TYPE.spotWarning)).toHaveLength(0);
    // 1,000 an hour over an hour of emulator time: every instance is warned at the next tick.
    emulator.setInterruptionRate({ perInstanceHour: 1_000 });
    offset += 3_600_000;
    await vi.waitFor(
      () => expect(events.filter((e) => e["detail-type"] === EC2_DETAIL_TYPE.spotWarning)).toHaveLength(3),
      WAIT,
    );
    for (const id of ids) expect(emulator.instance(id)?.spotInstanceAction?.action).toBe("terminate");
  });

  it("a rate rule's notice replaces the two minutes, so a real-time run sees the termination", async () => {
    const { emulator, ec2 } = await start();
    const id = await launch(ec2);
    emulator.setInterruptionRate({ perInstanceHour: 1_000, noticeMs: 200 });
    offset += 3_600_000;
    await vi.waitFor(() => expect(emulator.instance(id)?.spotInstanceAction?.action).toBe("terminate"), WAIT);
    // Without the clock moving again, the 200 ms notice runs out in real time.
    await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("terminated"), WAIT);
    expect(emulator.instance(id)?.stateReason?.code).toBe("Server.SpotInstanceTermination");
  });

  it("draws rate-based interruptions from the random source it is given", async () => {
    offset = 0;
    events.length = 0;
    emulator = await startEc2Emulator({
      bootDelayMs: 20,
      throttling: false,
      subnets: { [SUBNET]: "us-east-1a" },
      now: () => Date.now() + offset,
      // Above 1 - e^-10 (an hour at 10 an hour): Math.random would interrupt 99.995 % of the time.
      interruptionRandom: () => 0.999_999,
    });
    emulator.onEvent((e) => events.push(e));
    ec2 = createEmulatorClient(emulator, { maxAttempts: 1 });
    const id = await launch(ec2);
    emulator.setInterruptionRate({ perInstanceHour: 10 });
    offset += 3_600_000;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(emulator.instance(id)?.spotInstanceAction).toBeUndefined();
  });

  it("interrupts from the control endpoint with a notice", async () => {
    const { emulator, ec2 } = await start();
    const id = await launch(ec2);
    const bad = await fetch(`${emulator.url}/_emulator/instances/${id}/interrupt`, {
      method: "POST",
      body: JSON.stringify({ noticeMs: -1 }),
    });
    expect(bad.status).toBe(400);
    const res = await fetch(`${emulator.url}/_emulator/instances/${id}/interrupt`, {
      method: "POST",
      body: JSON.stringify({ noticeMs: 0 }),
    });
    expect(res.status).toBe(204);
    await vi.waitFor(() => expect(emulator.instance(id)?.state).toBe("terminated"), WAIT);
  });
});
