import { randomBytes } from "node:crypto";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../sandbox/sandbox.js";
import { startMayfly } from "../../sandbox/start-mayfly.js";
import { loadConfig } from "../../src/config.js";
import { createMayfly, type Mayfly } from "../../src/mayfly.js";

/**
 * Finding 11 (issue 10): the attacker is anyone who can reach the public listener. /metrics names pools,
 * orgs' activity, error rates and process internals, so it answers only a scraper holding the metrics
 * bearer token; the dashboard's token (which can act) and no token at all are refused.
 */
describe("/metrics on the public listener", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly & { url: string };
  const metricsToken = randomBytes(32).toString("base64url");
  const scrape = (authorization?: string) =>
    fetch(`${mayfly.url}/metrics`, { headers: authorization ? { authorization } : {} });

  beforeAll(async () => {
    sandbox = await startSandbox();
    mayfly = await startMayfly(sandbox, { env: { MAYFLY_METRICS_TOKEN: metricsToken } });
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it.each([
    ["no credentials", undefined],
    ["a guessed token", `Bearer ${randomBytes(32).toString("base64url")}`],
    [
      "the token with a byte changed",
      `Bearer ${metricsToken.slice(0, -1)}${metricsToken.endsWith("A") ? "B" : "A"}`,
    ],
    ["the dashboard's token", "dashboard"],
    ["basic auth", `Basic ${Buffer.from(`x:${metricsToken}`).toString("base64")}`],
  ])("refuses %s with 401 and reveals nothing", async (_, authorization) => {
    const header = authorization === "dashboard" ? `Bearer ${mayfly.config.dashboard.token}` : authorization;
    const res = await scrape(header);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await res.text()).not.toContain("mayfly_");
  });

  it("answers the scraper that holds the metrics token", async () => {
    const res = await scrape(`Bearer ${metricsToken}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toContain("mayfly_webhooks_total");
  });

  it("keeps liveness and readiness open for the load balancer", async () => {
    expect((await fetch(`${mayfly.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${mayfly.url}/readyz`)).status).toBe(200);
  });
});

describe("/metrics without a metrics token configured", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly;
  let url: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
    const { MAYFLY_METRICS_TOKEN: _, ...env } = await sandbox.env({ MAYFLY_ROLES: "webhooks" });
    mayfly = await createMayfly(loadConfig({ env }), {
      ec2: sandbox.ec2Client(),
      sqs: sandbox.sqsClient(),
      log: pino({ level: "silent" }),
    });
    url = await mayfly.start();
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it("is closed, not open", async () => {
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("MAYFLY_METRICS_TOKEN");
  });
});
