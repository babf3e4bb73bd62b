import { RunInstancesCommand } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunnerClient } from "../../../emulators/src/github/runner-client.js";
import { type Sandbox, startSandbox } from "../../../sandbox/sandbox.js";
import { startMayfly } from "../../../sandbox/start-mayfly.js";
import { createTokenIssuer } from "../../../src/bootstrap/token.js";
import { decodeSecret } from "../../../src/config.js";
import type { Mayfly } from "../../../src/mayfly.js";
import { identityOf } from "../../helpers/instance-identity.js";
import { waitFor } from "../../helpers/wait-for.js";

const SMALL = ["self-hosted", "linux", "x64", "mayfly-small"];

describe("bootstrap refusals", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly & { url: string };
  let key: Uint8Array;
  let x: string;
  let y: string;
  beforeAll(async () => {
    // Agents stay out of it: the test plays the instance.
    sandbox = await startSandbox({ bootDelayMs: 50, agentBehaviour: () => "never-bootstrap" });
    mayfly = await startMayfly(sandbox, { env: { MAYFLY_ROLES: "webhooks,bootstrap,scaler" } });
    key = decodeSecret((await sandbox.env()).MAYFLY_BOOTSTRAP_KEY!);
    sandbox.github.enqueueJob({ org: "acme", repo: "api", labels: SMALL, durationMs: 100 });
    await waitFor("X running", () => sandbox.ec2.instances().find((i) => i.state === "running"));
    x = sandbox.ec2.instances()[0]!.instanceId;
    sandbox.github.enqueueJob({ org: "acme", repo: "web", labels: SMALL, durationMs: 100 });
    await waitFor(
      "Y running",
      () => sandbox.ec2.instances().filter((i) => i.state === "running").length === 2,
    );
    y = sandbox.ec2.instances().find((i) => i.instanceId !== x)!.instanceId;
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  const post = async (body: unknown) => {
    const res = await fetch(`${mayfly.url}/bootstrap`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };
  const mint = (
    claims: Partial<{ pool: string; org: string; launch: string; iatOffsetMs: number }>,
    launch: string,
  ) =>
    createTokenIssuer({
      keys: [key],
      issuer: "mayfly:mayfly",
      now: () => Date.now() + (claims.iatOffsetMs ?? 0),
    }).issue({
      pool: claims.pool ?? "small",
      org: claims.org ?? "acme",
      installation: sandbox.installationId,
      launch: claims.launch ?? launch,
      ttlSeconds: 30,
    });
  const refusals = async (reason: string) => {
    const text = await mayfly.metrics.registry.getSingleMetricAsString("mayfly_bootstrap_refusals_total");
    return Number(new RegExp(`reason="${reason}"} (\\d+)`).exec(text)?.[1] ?? 0);
  };
  async function expectRefused(body: unknown, status: number, reason: string) {
    const before = await refusals(reason);
    const answer = await post(body);
    expect(answer).toEqual({ status, body: { error: "bootstrap refused" } });
    // Refusals are counted one by one and summarised in one event per interval (refusal-summary.ts).
    expect(await refusals(reason)).toBe(before + 1);
  }

  it("answers a retry whose answer was lost, and refuses a replay once the runner has connected", async () => {
    const { userData, identity } = await identityOf(sandbox, x);
    const request = { token: userData.MAYFLY_BOOTSTRAP_TOKEN, identity };
    const first = await post(request);
    expect(first.status).toBe(200);
    expect(first.body.runnerName).toBe(`mayfly-${x}`);
    expect(first.body.encodedJitConfig).toMatch(/^[A-Za-z0-9+/=]+$/);
    // The instance never got that answer and retries: the unused runner is replaced.
    const retry = await post(request);
    expect(retry.status).toBe(200);
    expect(retry.body.encodedJitConfig).not.toBe(first.body.encodedJitConfig);
    await expect(
      new RunnerClient(sandbox.github.url).connect(first.body.encodedJitConfig!),
    ).rejects.toThrow();
    // The runner starts with the new config; from then on the same request is refused (and both
    // attempts are spent: ADR 0007).
    await new RunnerClient(sandbox.github.url).connect(retry.body.encodedJitConfig!);
    await expectRefused(request, 403, "already-enrolled");
  });

  it.each([
    ["a token for another pool", { pool: "large" }, "instance-mismatch"],
    ["a token for another org", { org: "evil" }, "instance-mismatch"],
    ["a token for a pool that does not exist", { pool: "gpu" }, "unknown-pool"],
  ])("refuses %s", async (_, claims, reason) => {
    const { userData, identity } = await identityOf(sandbox, y);
    const launch = sandbox.ec2.instance(y)!.tags["mayfly:launch"]!;
    expect(userData.MAYFLY_BOOTSTRAP_TOKEN).toBeTruthy();
    await expectRefused({ token: await mint(claims, launch), identity }, 403, reason);
  });

  it("refuses an expired token with 401", async () => {
    const { identity } = await identityOf(sandbox, y);
    const launch = sandbox.ec2.instance(y)!.tags["mayfly:launch"]!;
    await expectRefused(
      { token: await mint({ iatOffsetMs: -3_600_000 }, launch), identity },
      401,
      "token-expired",
    );
  });

  it("refuses a forged identity document and another instance's document", async () => {
    const { userData, identity } = await identityOf(sandbox, y);
    const forged = { ...identity, document: identity.document.replace(y, x) };
    await expectRefused(
      { token: userData.MAYFLY_BOOTSTRAP_TOKEN, identity: forged },
      403,
      "identity-signature",
    );
    const other = (await identityOf(sandbox, x)).identity;
    await expectRefused(
      { token: userData.MAYFLY_BOOTSTRAP_TOKEN, identity: other },
      403,
      "instance-mismatch",
    );
  });

  it("refuses an instance that is not Mayfly's", async () => {
    const out = await sandbox.ec2Client().send(
      new RunInstancesCommand({
        ImageId: "ami-0123456789abcdef0",
        InstanceType: "t3.micro",
        MinCount: 1,
        MaxCount: 1,
      }),
    );
    const stranger = out.Instances![0]!.InstanceId!;
    await waitFor("stranger running", () => sandbox.ec2.instance(stranger)?.state === "running");
    const { identity } = await identityOf(sandbox, stranger);
    const { userData } = await identityOf(sandbox, y);
    await expectRefused({ token: userData.MAYFLY_BOOTSTRAP_TOKEN, identity }, 403, "instance-not-managed");
  });

  it("answers malformed and oversized requests without touching GitHub", async () => {
    expect((await post({ token: 1 })).status).toBe(400);
    const big = await fetch(`${mayfly.url}/bootstrap`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "x".repeat(20_000),
    });
    expect(big.status).toBe(413);
    const refusals = await mayfly.metrics.registry.getSingleMetricAsString("mayfly_bootstrap_refusals_total");
    for (const reason of [
      "already-enrolled",
      "instance-mismatch",
      "unknown-pool",
      "token-expired",
      "identity-signature",
      "instance-not-managed",
    ]) {
      expect(refusals).toContain(`reason="${reason}"`);
    }
  });
});
