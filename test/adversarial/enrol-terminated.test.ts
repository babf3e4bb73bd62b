import { TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../sandbox/sandbox.js";
import { startMayfly } from "../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../src/mayfly.js";
import { waitFor } from "../helpers/wait-for.js";

const SMALL = ["self-hosted", "linux", "x64", "mayfly-small"];

/** What any process on the instance can read through IMDSv2. */
async function loot(sandbox: Sandbox, instanceId: string) {
  const base = sandbox.ec2.imdsUrl(instanceId);
  const imds = await (
    await fetch(`${base}/latest/api/token`, {
      method: "PUT",
      headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" },
    })
  ).text();
  const get = async (path: string) =>
    (await fetch(`${base}${path}`, { headers: { "x-aws-ec2-metadata-token": imds } })).text();
  return {
    token: /MAYFLY_BOOTSTRAP_TOKEN='([^']+)'/.exec(await get("/latest/user-data"))![1]!,
    identity: {
      document: await get("/latest/dynamic/instance-identity/document"),
      signature: await get("/latest/dynamic/instance-identity/signature"),
    },
  };
}

/**
 * Issue 10, finding 6: while /bootstrap is busy it answers instance checks from a listing of running
 * instances up to 5 s old. The attacker holds an instance's token and identity document; the instance
 * is terminated after that listing saw it running, and then the attacker asks for its config. The
 * listing still says running; EC2 says terminated; no config may be issued.
 *
 * The app's clock stands still from before the listing until the answer, so the listing is "fresh" on
 * any machine, however long the termination takes.
 */
describe("a terminated instance still in the listing of running instances", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly & { url: string };
  let frozenAt: number | undefined;
  let address = 0;
  beforeAll(async () => {
    sandbox = await startSandbox({ bootDelayMs: 50, agentBehaviour: () => "never-bootstrap" });
    // MAYFLY_ROLES left at its default (every role), so the same test runs against older code.
    mayfly = await startMayfly(sandbox, {
      env: { MAYFLY_TRUSTED_PROXY_HOPS: "1" },
      mayfly: { now: () => frozenAt ?? sandbox.clock.now() },
    });
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  // Each request from its own client address behind one trusted proxy, so rate limits stay out of it.
  const post = async (body: unknown) => {
    address += 1;
    const res = await fetch(`${mayfly.url}/bootstrap`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": `10.9.0.${address}` },
      body: JSON.stringify(body),
    });
    await res.body?.cancel();
    return res.status;
  };

  it("issues no config for it", async () => {
    // Two launches: a decoy to keep the route busy, and the victim.
    sandbox.github.enqueueJob({ org: "acme", repo: "api", labels: SMALL, durationMs: 100 });
    const decoy = await waitFor("the decoy running", () =>
      sandbox.ec2.instances().find((i) => i.state === "running"),
    );
    sandbox.github.enqueueJob({ org: "acme", repo: "web", labels: SMALL, durationMs: 100 });
    const victim = await waitFor("the victim running", () =>
      sandbox.ec2.instances().find((i) => i.instanceId !== decoy.instanceId && i.state === "running"),
    );
    const stolen = await loot(sandbox, victim.instanceId);
    const decoyIdentity = (await loot(sandbox, decoy.instanceId)).identity;
    frozenAt = sandbox.clock.now();
    try {
      // More than 20 checks within 5 s: the route lists the running instances (the victim among them)
      // and answers checks from that listing. The victim's token with the decoy's document passes the
      // signature checks and is refused after the instance check, so nothing is issued meanwhile.
      const busy = await Promise.all(
        Array.from({ length: 25 }, () => post({ token: stolen.token, identity: decoyIdentity })),
      );
      expect(busy.filter((s) => s === 200)).toHaveLength(0);
      await sandbox.ec2Client().send(new TerminateInstancesCommand({ InstanceIds: [victim.instanceId] }));
      await waitFor("terminating", () => sandbox.ec2.instance(victim.instanceId)?.state !== "running");
      expect(await post(stolen)).toBe(403);
    } finally {
      frozenAt = undefined;
    }
    const refusals = await mayfly.metrics.registry.getSingleMetricAsString("mayfly_bootstrap_refusals_total");
    expect(refusals).toMatch(/reason="instance-mismatch"} 25/);
    expect(refusals).toMatch(/reason="instance-not-running"} 1/);
    expect(mayfly.events.list({ kinds: ["bootstrap.issued"] })).toHaveLength(0);
  });
});
