import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../sandbox/sandbox.js";
import { startMayfly } from "../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../src/mayfly.js";
import { queuedPayload } from "../helpers/queued-payload.js";
import { waitFor } from "../helpers/wait-for.js";

/**
 * Finding 8 (issue 10): the attacker holds the webhook secret (or replays GitHub's signature for another
 * App's installation) and sends signed `workflow_job` deliveries naming installations this App does not
 * have. Intake answers 2xx, counts them, and launches nothing; a flood of made-up ids costs GitHub at most
 * one look-up per id and never more than the look-up budget.
 */
describe("signed deliveries for installations the App does not have", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly & { url: string };
  const deliver = async (payload: object) => {
    const body = JSON.stringify(payload);
    const signature = createHmac("sha256", mayfly.config.github.webhookSecret).update(body).digest("hex");
    return fetch(`${mayfly.url}${mayfly.config.github.webhookPath}`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-hub-signature-256": `sha256=${signature}`,
        "x-github-event": "workflow_job",
        "x-github-delivery": randomUUID(),
      },
    });
  };
  const counted = async () => {
    const text = await mayfly.metrics.registry.getSingleMetricAsString("mayfly_webhooks_total");
    return Number(/result="unknown-installation"} (\d+)/.exec(text)?.[1] ?? 0);
  };
  const lookups = () =>
    Object.entries(sandbox.github.stats().calls)
      .filter(
        ([route]) =>
          route.includes("/app/installations/{installation_id}") && !route.includes("access_tokens"),
      )
      .reduce((sum, [, n]) => sum + n, 0);

  beforeAll(async () => {
    sandbox = await startSandbox({ bootDelayMs: 100 });
    mayfly = await startMayfly(sandbox);
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it("answers 2xx, counts it and launches nothing", { timeout: 60_000 }, async () => {
    const forged = await deliver(queuedPayload({ jobId: 900_001, installationId: 424_242 }));
    expect(forged.status).toBeGreaterThanOrEqual(200);
    expect(forged.status).toBeLessThan(300);
    expect(await counted()).toBe(1);

    // A genuine job afterwards: once it has run, the scaler has long handled anything queued before it.
    const genuine = sandbox.github.enqueueJob({
      org: "acme",
      repo: "api",
      labels: ["self-hosted", "linux", "x64", "mayfly-small"],
      durationMs: 200,
    });
    await waitFor("genuine job ran", () => sandbox.github.job(genuine.id)?.conclusion === "success", 30_000);
    expect(sandbox.ec2.instances()).toHaveLength(1);
    expect(mayfly.events.list().some((e) => e.jobId === 900_001)).toBe(false);
  });

  it("an installation made after startup is verified once and its jobs are taken", {
    timeout: 30_000,
  }, async () => {
    sandbox.github.addOrg("newco");
    sandbox.github.addRepo({ owner: "newco", name: "app", visibility: "private" });
    const { installationId } = sandbox.github.installApp(sandbox.app.id, "newco");
    const job = sandbox.github.enqueueJob({
      org: "newco",
      repo: "app",
      labels: ["self-hosted", "linux", "x64", "mayfly-small"],
      durationMs: 100,
    });
    // The sandbox pools admit only acme: the job reaches the policy (and is denied there), not intake's bin.
    // (Before the flood below, which spends the look-up budget on purpose.)
    const denied = await waitFor("policy decision", () =>
      mayfly.events.list({ kinds: ["policy.denied"] }).find((e) => e.jobId === job.id),
    );
    expect(denied).toMatchObject({ org: "newco", reason: "org-not-allowed" });
    expect(installationId).toBeGreaterThan(0);
  });

  it("a flood of made-up ids costs at most one look-up each, within the budget", {
    timeout: 60_000,
  }, async () => {
    const before = await counted();
    const startedAt = Date.now();
    const lookupsBefore = lookups();
    const ids = Array.from({ length: 300 }, (_, k) => 500_000 + k);
    // Every id twice: the second delivery of an id is answered from the cache.
    const answers = await Promise.all(
      [...ids, ...ids].map((id, k) => deliver(queuedPayload({ jobId: 800_000 + k, installationId: id }))),
    );
    // Past the look-up budget an id cannot be checked now: 503, so a genuine delivery is redelivered later.
    const ignored = answers.filter((a) => a.status >= 200 && a.status < 300).length;
    const deferred = answers.filter((a) => a.status === 503).length;
    expect(ignored + deferred).toBe(answers.length);
    expect((await counted()) - before).toBe(ignored);
    const spent = lookups() - lookupsBefore;
    expect(spent).toBeLessThanOrEqual(ids.length);
    // An upper bound on the bucket (burst, plus its refill over the flood), not a timing assertion.
    const { burst, perMinute } = mayfly.config.github.installationLookups;
    expect(spent).toBeLessThanOrEqual(burst + Math.ceil(((Date.now() - startedAt) / 60_000) * perMinute));
    expect(sandbox.ec2.instances()).toHaveLength(1);
  });
});
