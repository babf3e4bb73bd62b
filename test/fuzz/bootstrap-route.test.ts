import { sign } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../sandbox/sandbox.js";
import { startMayfly } from "../../sandbox/start-mayfly.js";
import { createTokenIssuer } from "../../src/bootstrap/token.js";
import type { Mayfly } from "../../src/mayfly.js";
import { type Answer, isClearError, post } from "./answer.js";
import { anyJson, notJson } from "./arbitraries.js";

/**
 * Fuzzed `POST /bootstrap` requests (issue 7, bad input), from garbage to well-formed ones carrying a
 * genuine bootstrap token and an identity document signed with the emulator's key for instances that are
 * not ours. Every answer is 400/401/403/413/429 with a JSON error; nothing is ever enrolled; never a 5xx.
 */
const REFUSALS = [400, 401, 403, 413, 429];
const EMULATOR_KEY = readFileSync(
  new URL("../../emulators/src/ec2/identity-emulator.key.pem", import.meta.url),
  "utf8",
);

/** A fresh loopback source per request: the route rate-limits refusals per address. */
const source = fc
  .tuple(fc.integer({ min: 1, max: 250 }), fc.integer({ min: 1, max: 250 }))
  .map(([a, b]) => `127.0.${a}.${b}`);
const text = fc.string({ maxLength: 200 });

describe("fuzzed bootstrap requests", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly & { url: string };
  let url: string;
  const expectRefused = (answer: Answer) => {
    expect(REFUSALS, JSON.stringify(answer)).toContain(answer.status);
    expect(isClearError(answer), JSON.stringify(answer)).toBe(true);
  };

  beforeAll(async () => {
    sandbox = await startSandbox();
    mayfly = await startMayfly(sandbox, { env: { MAYFLY_ROLES: "bootstrap" } });
    url = `${mayfly.url}/bootstrap`;
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  it("refuses bodies that are not a bootstrap request", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(notJson, anyJson), source, async (body, from) => {
        expectRefused(await post(url, body, {}, from));
      }),
      { numRuns: 150 },
    );
  });

  it("refuses well-shaped requests with random tokens and identities", async () => {
    const shaped = fc.record({
      token: fc.oneof(text, fc.string({ minLength: 4000, maxLength: 5000 })),
      identity: fc.record({
        document: fc.oneof(text, fc.json()),
        signature: fc.oneof(text, fc.base64String()),
      }),
    });
    await fc.assert(
      fc.asyncProperty(shaped, source, async (body, from) => {
        expectRefused(await post(url, JSON.stringify(body), {}, from));
      }),
      { numRuns: 150 },
    );
  });

  it("refuses a genuine token with a signed identity of an instance that is not ours", async () => {
    const issuer = createTokenIssuer({
      keys: mayfly.config.bootstrap.keys,
      issuer: `mayfly:${mayfly.config.deploymentId}`,
    });
    const claims = fc.record({
      pool: fc.constantFrom("small", "large", "oss", "nope"),
      org: fc.constantFrom("acme", "evil"),
      installation: fc.integer({ min: 1, max: 2 ** 31 }),
      launch: fc.stringMatching(/^[0-9a-f]{8,32}$/),
      ttlSeconds: fc.oneof({ arbitrary: fc.constant(300), weight: 4 }, fc.integer({ min: -120, max: 600 })),
    });
    // Mostly right, sometimes wrong, so many requests get as far as the instance look-up.
    const usually = <T>(right: T, wrong: fc.Arbitrary<T>) =>
      fc.oneof({ arbitrary: fc.constant(right), weight: 4 }, wrong);
    const document = fc.record({
      accountId: usually(sandbox.ec2.accountId, fc.stringMatching(/^\d{12}$/)),
      instanceId: fc.oneof({ arbitrary: fc.stringMatching(/^i-[0-9a-f]{17}$/), weight: 4 }, text),
      region: usually(sandbox.ec2.region, text),
      availabilityZone: fc.constant(`${sandbox.ec2.region}a`),
      instanceType: fc.constant("t3.medium"),
      imageId: fc.constant("ami-0123456789abcdef0"),
      pendingTime: fc.oneof(
        {
          arbitrary: fc
            .integer({ min: -30_000, max: 1_000 })
            .map((ms) => new Date(Date.now() + ms).toISOString()),
          weight: 4,
        },
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        text,
      ),
    });
    await fc.assert(
      fc.asyncProperty(claims, document, source, async (claim, doc, from) => {
        const token = await issuer.issue(claim);
        const bytes = JSON.stringify(doc);
        const signature = sign("sha256", Buffer.from(bytes), EMULATOR_KEY).toString("base64");
        expectRefused(
          await post(url, JSON.stringify({ token, identity: { document: bytes, signature } }), {}, from),
        );
      }),
      { numRuns: 100 },
    );
    // Counted by reason at once; the event is one summary per 10 s (ADR 0007).
    expect(
      await mayfly.metrics.registry.getSingleMetricAsString("mayfly_bootstrap_refusals_total"),
    ).toContain('reason="instance-not-managed"');
  });

  it("refuses oversized requests with a 413", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 16 * 1024 + 1, max: 2 * 1024 * 1024 }),
        source,
        async (size, from) => {
          const answer = await post(url, `{"token":"${"t".repeat(size)}"}`, {}, from);
          expect(answer.status).toBe(413);
          expect(isClearError(answer)).toBe(true);
        },
      ),
      { numRuns: 8 },
    );
  });

  it("slows a prober down with 429s that say when to come back, and keeps serving", async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 40; i++)
      answers.push(
        await post(url, '{"token":"x","identity":{"document":"d","signature":"s"}}', {}, "127.0.0.2"),
      );
    for (const answer of answers) expectRefused(answer);
    expect(answers.some((a) => a.status === 429)).toBe(true);
    expect((await fetch(`${mayfly.url}/healthz`)).status).toBe(200);
    expect(sandbox.github.runners("acme")).toEqual([]);
  });
});
