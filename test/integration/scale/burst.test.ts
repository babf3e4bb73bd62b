import {
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  paginateDescribeInstances,
} from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../../sandbox/sandbox.js";
import { SANDBOX_POOLS_YAML } from "../../../sandbox/sandbox-pools.js";
import { startMayfly } from "../../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../../src/mayfly.js";
import { waitFor } from "../../helpers/wait-for.js";

// Production-like boot timeouts: with the sandbox's 30 s, launches are paced to what can enrol in 30 s.
const POOLS = SANDBOX_POOLS_YAML.replace(/maxRunners: \d+/g, "maxRunners: 200").replaceAll(
  "boot: 30s",
  "boot: 5m",
);
const MIX = [
  { count: 100, repo: "api", labels: ["self-hosted", "linux", "x64", "mayfly-small"] },
  { count: 60, repo: "web", labels: ["linux", "mayfly-large"] },
  { count: 40, repo: "sdk", labels: ["self-hosted", "arm64", "mayfly-oss"] },
];

describe("a 200-job burst over three pools, every webhook delivered twice, some SQS messages redelivered", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly;
  beforeAll(async () => {
    // Agents never bootstrap, so every instance stays a spare runner and nothing may launch twice.
    sandbox = await startSandbox({
      bootDelayMs: 50,
      poolsYaml: POOLS,
      agentBehaviour: () => "never-bootstrap",
    });
    // No reaper: instances that never bootstrap would be reaped after the boot timeout.
    mayfly = await startMayfly(sandbox, {
      env: { MAYFLY_ROLES: "webhooks,bootstrap,scaler" },
      mayfly: { consumer: { visibilitySeconds: 3 } },
    });
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it("launches exactly one hardened instance per job, in few EC2 calls", { timeout: 120_000 }, async () => {
    sandbox.github.duplicateWebhooks({ probability: 1 });
    // The scaler's "delay for recheck" fails for 30 messages: they come back after the visibility timeout.
    // Visibility changes go out coalesced (ChangeMessageVisibilityBatch): 30 entries fail inside answers.
    sandbox.sqs.injectFault({
      action: "ChangeMessageVisibilityBatch",
      code: "InternalError",
      scope: "entry",
      count: 30,
    });
    for (const { count, repo, labels } of MIX) {
      for (let i = 0; i < count; i++)
        sandbox.github.enqueueJob({ org: "acme", repo, labels, durationMs: 1000 });
    }
    await waitFor("200 instances", () => sandbox.ec2.instances().length >= 200, 60_000);
    // The 30 redelivered messages come back after the 3 s visibility. Their instances still wait for a
    // config (agents never bootstrap), so GitHub could tell nothing: no GET, and no second launch.
    const jobGets = () =>
      sandbox.github.stats().calls["GET /repos/{owner}/{repo}/actions/jobs/{job_id}"] ?? 0;
    const faulted = () => sandbox.sqs.stats().faulted.ChangeMessageVisibilityBatch ?? 0;
    await waitFor("30 recheck delays failed", () => faulted() >= 30, 30_000);
    expect(faulted()).toBe(30);
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    expect(jobGets()).toBe(0);
    const instances = sandbox.ec2.instances();
    expect(instances).toHaveLength(200);
    expect(sandbox.github.deliveries().filter((d) => d.action === "queued")).toHaveLength(400);

    const byPool: Record<string, number> = {};
    for (const i of instances)
      byPool[i.tags["mayfly:pool"] ?? "none"] = (byPool[i.tags["mayfly:pool"] ?? "none"] ?? 0) + 1;
    expect(byPool).toEqual({ small: 100, large: 60, oss: 40 });
    for (const i of instances) {
      expect(i.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
      expect(i.volumes.every((v) => v.encrypted)).toBe(true);
      expect(i.shutdownBehavior).toBe("terminate");
      expect(i.publicIp).toBeUndefined();
      expect(i.tags).toMatchObject({ "mayfly:managed-by": "mayfly", "mayfly:org": "acme" });
      expect(i.tags["mayfly:launch"]).toMatch(/^[0-9a-f]{32}$/);
    }
    const runInstances = sandbox.ec2.stats().calls.RunInstances ?? 0;
    expect(runInstances / 200).toBeLessThanOrEqual(0.2);
    expect(sandbox.ec2.stats().throttled.RunInstances ?? 0).toBe(0);
  });

  it("puts no JIT config or GitHub credential in user-data (read back with DescribeInstanceAttribute)", {
    timeout: 60_000,
  }, async () => {
    const client = sandbox.ec2Client({ maxAttempts: 8 });
    const ids: string[] = [];
    for await (const page of paginateDescribeInstances(
      { client, pageSize: 100 },
      { Filters: [{ Name: "tag:mayfly:managed-by", Values: ["mayfly"] }] },
    )) {
      for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) ids.push(i.InstanceId!);
    }
    expect(ids).toHaveLength(200);
    for (const id of ids) {
      const attr = await client.send(
        new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: "userData" }),
      );
      const text = Buffer.from(attr.UserData?.Value ?? "", "base64").toString("utf8");
      expect(text).toMatch(/^MAYFLY_BOOTSTRAP_TOKEN='ey[\w-]+\.[\w-]+\.[\w-]+'$/m);
      expect(text).not.toMatch(/jit|ghs_|ghu_|gho_|BEGIN .*PRIVATE KEY|encoded/i);
      expect(text).not.toContain(sandbox.app.privateKeyPem.slice(40, 80));
    }
    const one = await client.send(new DescribeInstancesCommand({ InstanceIds: [ids[0]!] }));
    expect(one.Reservations?.[0]?.Instances?.[0]?.MetadataOptions?.HttpTokens).toBe("required");
  });
});
