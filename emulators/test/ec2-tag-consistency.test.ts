import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  type EC2Client,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulatorClient } from "../src/ec2/client.js";
import { type Ec2Emulator, startEc2Emulator } from "../src/ec2/emulator.js";

let emulator: Ec2Emulator;
let ec2: EC2Client;
let clock = Date.UTC(2026, 10, 25, 12, 0, 0);

beforeAll(async () => {
  emulator = await startEc2Emulator({ bootDelayMs: 20, throttling: false, now: () => clock });
  ec2 = createEmulatorClient(emulator, { maxAttempts: 1 });
});

afterAll(async () => {
  ec2.destroy();
  await emulator.stop();
});

const tagsOf = async (id: string) => {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  const tags = out.Reservations?.[0]?.Instances?.[0]?.Tags ?? [];
  return Object.fromEntries(tags.map((t) => [t.Key, t.Value]));
};

describe("EC2 eventual consistency for tags (a switch)", () => {
  it("accepts a CreateTags write at once but shows it in DescribeInstances only after the delay", async () => {
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: "ami-0123456789abcdef0",
        InstanceType: "t3.micro",
        MinCount: 1,
        MaxCount: 1,
      }),
    );
    const id = run.Instances![0]!.InstanceId!;
    emulator.setTagVisibilityDelay(2_000);
    await ec2.send(
      new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "mayfly:enrolled", Value: "issued/1" }] }),
    );
    expect(await tagsOf(id)).not.toHaveProperty("mayfly:enrolled");
    clock += 10;
    await ec2.send(
      new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "mayfly:enrolled", Value: "issued/2" }] }),
    );
    clock += 1_989;
    expect(await tagsOf(id)).not.toHaveProperty("mayfly:enrolled");
    clock += 1;
    // Writes land in order: the later one wins once both are visible.
    expect((await tagsOf(id))["mayfly:enrolled"]).toBe("issued/1");
    clock += 10;
    expect((await tagsOf(id))["mayfly:enrolled"]).toBe("issued/2");
    emulator.setTagVisibilityDelay(0);
    await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: "x", Value: "y" }] }));
    expect((await tagsOf(id)).x).toBe("y");
  });

  it("is driven over the control endpoint too", async () => {
    const res = await fetch(`${emulator.url}/_emulator/consistency`, {
      method: "POST",
      body: JSON.stringify({ tagVisibilityDelayMs: 500 }),
    });
    expect(res.status).toBe(204);
    const bad = await fetch(`${emulator.url}/_emulator/consistency`, {
      method: "POST",
      body: JSON.stringify({ tagVisibilityDelayMs: -1 }),
    });
    expect(bad.status).toBe(400);
    emulator.setTagVisibilityDelay(0);
  });
});
