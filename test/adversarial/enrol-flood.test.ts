import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../sandbox/sandbox.js";
import { startMayfly } from "../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../src/mayfly.js";
import { waitFor } from "../helpers/wait-for.js";

const SMALL = ["self-hosted", "linux", "x64", "mayfly-small"];
/** The route's per-client request limit (src/bootstrap/route.ts): burst 200, then 50 per second. */
const BURST = 200;
const FLOOD = BURST + 60;

/**
 * Issue 10, finding 5: one anonymous client floods /bootstrap with garbage through the load balancer.
 * Every request, the flooder's and the instance's, arrives from the balancer's socket address with the
 * client's address appended to X-Forwarded-For (one trusted hop); the flooder also forges entries to the
 * left of it. Keyed on the socket address, the flood empties the one bucket everyone shares and the
 * instance is refused; keyed on the client address, only the flooder is.
 *
 * The app's clock stands still while the flood runs, so no bucket refills: the outcome is the same on a
 * fast machine and a slow one (a fixed number of requests above the burst, then the instance asks).
 */
describe("a flood of garbage at /bootstrap", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly & { url: string };
  let frozenAt: number | undefined;
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

  it("throttles the flooder, enrols the instance behind the same proxy, and writes no event per refusal", async () => {
    sandbox.github.enqueueJob({ org: "acme", repo: "api", labels: SMALL, durationMs: 100 });
    const instance = await waitFor("running", () =>
      sandbox.ec2.instances().find((i) => i.state === "running"),
    );
    const base = sandbox.ec2.imdsUrl(instance.instanceId);
    const imdsToken = await (
      await fetch(`${base}/latest/api/token`, {
        method: "PUT",
        headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" },
      })
    ).text();
    const get = async (path: string) =>
      (await fetch(`${base}${path}`, { headers: { "x-aws-ec2-metadata-token": imdsToken } })).text();
    const token = /MAYFLY_BOOTSTRAP_TOKEN='([^']+)'/.exec(await get("/latest/user-data"))![1];
    const body = JSON.stringify({
      token,
      identity: {
        document: await get("/latest/dynamic/instance-identity/document"),
        signature: await get("/latest/dynamic/instance-identity/signature"),
      },
    });
    const garbage = JSON.stringify({
      token: "eyJnot.a.token",
      identity: { document: "{}", signature: "AAAA" },
    });
    const eventsBefore = mayfly.events.list().length;
    const statuses: number[] = [];
    frozenAt = sandbox.clock.now();
    try {
      // 8 connections, FLOOD requests in all; the balancer appends the flooder's address, 6.6.6.6.
      let next = 0;
      const flood = async () => {
        while (next < FLOOD) {
          const i = next++;
          const res = await fetch(`${mayfly.url}/bootstrap`, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "x-forwarded-for": `10.0.${i % 250}.${i % 7}, 6.6.6.6`,
            },
            body: garbage,
          });
          await res.body?.cancel();
          statuses.push(res.status);
        }
      };
      await Promise.all(Array.from({ length: 8 }, flood));
      // The instance asks after the flooder has spent its burst, through the same balancer.
      const enrolled = await fetch(`${mayfly.url}/bootstrap`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": "10.1.2.3" },
        body,
      });
      expect(enrolled.status).toBe(200);
      expect(((await enrolled.json()) as { encodedJitConfig?: string }).encodedJitConfig).toBeTruthy();
    } finally {
      frozenAt = undefined;
    }
    // The flooder: its burst reaches the token check (the first 20 refusals answered 401, then the
    // stricter refusal limit answers 429), and every request above the burst is refused unread.
    const count = (status: number) => statuses.filter((s) => s === status).length;
    expect({ 401: count(401), 429: count(429) }).toEqual({ 401: 20, 429: FLOOD - 20 });
    const refusals = await mayfly.metrics.registry.getSingleMetricAsString("mayfly_bootstrap_refusals_total");
    const metric = (reason: string) =>
      Number(new RegExp(`reason="${reason}"} (\\d+)`).exec(refusals)?.[1] ?? 0);
    expect({ limited: metric("rate-limited"), invalid: metric("token-invalid") }).toEqual({
      limited: FLOOD - BURST,
      invalid: BURST,
    });
    // Within one summary interval: at most one refusal event, and the enrolment's event is there.
    const events = mayfly.events.list().slice(eventsBefore);
    expect(events.filter((e) => e.kind === "bootstrap.refused").length).toBeLessThanOrEqual(1);
    expect(events.some((e) => e.kind === "bootstrap.issued" && e.instanceId === instance.instanceId)).toBe(
      true,
    );
  });
});
