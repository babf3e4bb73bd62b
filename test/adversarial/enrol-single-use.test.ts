import { TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunnerClient } from "../../emulators/src/github/runner-client.js";
import { type Sandbox, startSandbox } from "../../sandbox/sandbox.js";
import { startMayfly } from "../../sandbox/start-mayfly.js";
import { parseUserData } from "../../src/bootstrap/user-data.js";
import type { Mayfly } from "../../src/mayfly.js";
import { waitFor } from "../helpers/wait-for.js";

const SMALL = ["self-hosted", "linux", "x64", "mayfly-small"];

/** What any process on the instance can read through IMDSv2. */
async function loot(sandbox: Sandbox, instanceId: string) {
  const base = sandbox.ec2.imdsUrl(instanceId);
  const token = await (
    await fetch(`${base}/latest/api/token`, {
      method: "PUT",
      headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" },
    })
  ).text();
  const get = async (path: string) =>
    (await fetch(`${base}${path}`, { headers: { "x-aws-ec2-metadata-token": token } })).text();
  return {
    token: parseUserData(await get("/latest/user-data")).MAYFLY_BOOTSTRAP_TOKEN!,
    identity: {
      document: await get("/latest/dynamic/instance-identity/document"),
      signature: await get("/latest/dynamic/instance-identity/signature"),
    },
  };
}

/**
 * Issue 10, findings 2, 3 and 6, and EC2's eventual consistency: the test plays an attacker that holds
 * an instance's token and identity document (agents never enrol here), against two bootstrap replicas
 * over an EC2 whose tags show up late.
 */
describe("enrolment is single-use per instance", () => {
  let sandbox: Sandbox;
  let a: Mayfly & { url: string };
  let b: Mayfly & { url: string };
  let ids: string[];
  let address = 0;
  beforeAll(async () => {
    sandbox = await startSandbox({ bootDelayMs: 50, agentBehaviour: () => "never-bootstrap" });
    const env = { MAYFLY_ROLES: "webhooks,bootstrap,scaler", MAYFLY_TRUSTED_PROXY_HOPS: "1" };
    // The last one started receives the App's webhooks.
    b = await startMayfly(sandbox, { env: { ...env, MAYFLY_ROLES: "bootstrap" } });
    a = await startMayfly(sandbox, { env });
    // Four jobs at once: one launch, one token for every instance of it (finding 3).
    for (const repo of ["api", "web", "infra", "api"])
      sandbox.github.enqueueJob({ org: "acme", repo, labels: SMALL, durationMs: 100 });
    await waitFor(
      "4 running",
      () => sandbox.ec2.instances().filter((i) => i.state === "running").length === 4,
    );
    ids = sandbox.ec2.instances().map((i) => i.instanceId);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await sandbox?.stop();
  });

  // Each request from its own client address (behind one trusted proxy), so rate limits stay out of it.
  const post = async (to: { url: string }, body: unknown) => {
    address += 1;
    const res = await fetch(`${to.url}/bootstrap`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-forwarded-for": `10.9.${address >> 8}.${address & 255}`,
      },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { encodedJitConfig?: string };
    return { status: res.status, config: json.encodedJitConfig };
  };

  it("allows one lost-answer retry before the runner connects, then refuses (finding 2)", async () => {
    const request = await loot(sandbox, ids[0]!);
    const first = await post(a, request);
    const retry = await post(a, request);
    expect([first.status, retry.status]).toEqual([200, 200]);
    // Whoever asks a third time gets nothing, and the retry's config still works.
    expect((await post(a, request)).status).toBe(403);
    expect((await post(b, request)).status).toBe(403);
    await new RunnerClient(sandbox.github.url).connect(retry.config!);
  });

  it("one launch shares a token, but each instance enrols once (finding 3)", async () => {
    const mine = await loot(sandbox, ids[1]!);
    const neighbour = await loot(sandbox, ids[2]!);
    expect(neighbour.token).toBe(mine.token);
    const took = await post(a, { token: mine.token, identity: neighbour.identity });
    expect(took.status).toBe(200);
    // The neighbour's own request looks like its lost-answer retry: it replaces the stolen config.
    const own = await post(b, neighbour);
    expect(own.status).toBe(200);
    await expect(new RunnerClient(sandbox.github.url).connect(took.config!)).rejects.toThrow();
    // After that, the shared token with the neighbour's identity is refused, whichever replica is asked.
    expect((await post(a, { token: mine.token, identity: neighbour.identity })).status).toBe(403);
    expect((await post(b, { token: mine.token, identity: neighbour.identity })).status).toBe(403);
    await new RunnerClient(sandbox.github.url).connect(own.config!);
  });

  it("two replicas with a stale view of the tag issue one config between them", async () => {
    sandbox.ec2.setTagVisibilityDelay(60_000);
    try {
      const request = await loot(sandbox, ids[3]!);
      const answers = await Promise.all([
        post(a, request),
        post(b, request),
        post(a, request),
        post(b, request),
      ]);
      expect(answers.filter((x) => x.status === 200)).toHaveLength(1);
    } finally {
      sandbox.ec2.setTagVisibilityDelay(0);
    }
  });

  it("gives no config to an instance that was terminated after the listing saw it running (finding 6)", async () => {
    sandbox.github.enqueueJob({ org: "acme", repo: "web", labels: SMALL, durationMs: 100 });
    const victim = await waitFor("a fifth instance", () =>
      sandbox.ec2.instances().find((i) => !ids.includes(i.instanceId) && i.state === "running"),
    );
    const request = await loot(sandbox, victim.instanceId);
    // Busy enough that bootstrap serves checks from its 5 s listing of running instances.
    const used = await loot(sandbox, ids[0]!);
    await Promise.all(Array.from({ length: 25 }, () => post(a, used)));
    await sandbox.ec2Client().send(new TerminateInstancesCommand({ InstanceIds: [victim.instanceId] }));
    await waitFor("terminating", () => sandbox.ec2.instance(victim.instanceId)?.state !== "running");
    expect((await post(a, request)).status).toBe(403);
    const refusals = await a.metrics.registry.getSingleMetricAsString("mayfly_bootstrap_refusals_total");
    expect(refusals).toMatch(/reason="instance-not-running"} [1-9]/);
  });
});
