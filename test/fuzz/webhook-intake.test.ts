import { createHmac, randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../../sandbox/sandbox.js";
import { startMayfly } from "../../sandbox/start-mayfly.js";
import type { Mayfly } from "../../src/mayfly.js";
import { workflowJobPayloadSchema } from "../../src/webhooks/workflow-job-event.js";
import { queuedPayload } from "../helpers/queued-payload.js";
import { type Answer, call, isClearError, post } from "./answer.js";
import { anyJson, edits, headerValue, mutate, notJson } from "./arbitraries.js";

/**
 * Fuzzed webhook deliveries (issue 7, bad input): forged or unsigned ones, signed garbage, signed payloads
 * with random edits, huge bodies, odd content types, deep JSON. Every answer is a clear 4xx (or a 2xx for
 * a delivery that is still valid), never a 5xx, and the process keeps serving.
 */
describe("fuzzed webhook deliveries", () => {
  let sandbox: Sandbox;
  let mayfly: Mayfly & { url: string };
  let url: string;
  const sign = (body: string) =>
    `sha256=${createHmac("sha256", mayfly.config.github.webhookSecret).update(body).digest("hex")}`;
  const deliver = (body: string, headers: Record<string, string>): Promise<Answer> =>
    call(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  const signed = (body: string, event = "workflow_job") =>
    deliver(body, {
      "x-hub-signature-256": sign(body),
      "x-github-event": event,
      "x-github-delivery": randomUUID(),
    });

  beforeAll(async () => {
    sandbox = await startSandbox();
    // Webhooks only: accepted deliveries queue scale messages that nothing consumes.
    mayfly = await startMayfly(sandbox, { env: { MAYFLY_ROLES: "webhooks" } });
    url = `${mayfly.url}${mayfly.config.github.webhookPath}`;
  });
  afterAll(async () => {
    await mayfly?.stop();
    await sandbox?.stop();
  });

  const valid = () => queuedPayload({ jobId: 4242, installationId: sandbox.installationId });

  it("refuses forged and unsigned deliveries with a 401, whatever they carry", async () => {
    const signature = fc.option(
      fc.oneof(
        headerValue,
        fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `sha256=${h}`),
      ),
      { nil: undefined },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(notJson, anyJson),
        signature,
        headerValue,
        headerValue,
        async (body, sig, event, id) => {
          const headers: Record<string, string> = { "x-github-event": event, "x-github-delivery": id };
          if (sig !== undefined) headers["x-hub-signature-256"] = sig;
          const answer = await deliver(body, headers);
          expect(answer.status).toBe(401);
          expect(isClearError(answer)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("answers signed bodies that are not a workflow_job payload with a 400 naming the problem", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(notJson, anyJson), async (body) => {
        fc.pre(!isPayload(body));
        const answer = await signed(body);
        expect(answer.status).toBe(400);
        expect(isClearError(answer)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("never answers a signed payload with random edits with a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(edits(valid()), async (changes) => {
        const body = JSON.stringify(mutate(valid(), changes));
        const answer = await signed(body);
        if (isPayload(body)) expect([200, 202]).toContain(answer.status);
        else expect(isClearError(answer), JSON.stringify(answer)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("refuses deliveries missing their event or delivery header with a 400", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("x-github-event", "x-github-delivery"), async (missing) => {
        const body = JSON.stringify(valid());
        const headers: Record<string, string> = {
          "x-hub-signature-256": sign(body),
          "x-github-event": "workflow_job",
          "x-github-delivery": randomUUID(),
        };
        delete headers[missing];
        const answer = await deliver(body, headers);
        expect(answer.status).toBe(400);
        expect(isClearError(answer)).toBe(true);
      }),
      { numRuns: 10 },
    );
  });

  it("refuses bodies over 1 MiB with a 413, signed or not", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1024 * 1024 + 1, max: 3 * 1024 * 1024 }),
        fc.boolean(),
        async (size, withSignature) => {
          const body = `{"pad":"${"x".repeat(size)}"}`;
          const headers = { "x-github-event": "workflow_job", "x-github-delivery": randomUUID() };
          const answer = await post(
            url,
            body,
            withSignature ? { ...headers, "x-hub-signature-256": sign(body) } : headers,
          );
          expect(answer.status).toBe(413);
          expect(isClearError(answer)).toBe(true);
        },
      ),
      { numRuns: 6 },
    );
  });

  it("judges the body, not the content type", async () => {
    const contentType = fc.oneof(
      headerValue,
      fc.constantFrom(
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=x",
        "",
      ),
    );
    await fc.assert(
      fc.asyncProperty(contentType, fc.boolean(), async (type, form) => {
        const json = JSON.stringify(valid());
        // GitHub's other webhook content type sends `payload=<url-encoded JSON>`.
        const body = form ? `payload=${encodeURIComponent(json)}` : json;
        const answer = await call(url, {
          method: "POST",
          body,
          headers: {
            "content-type": type,
            "x-hub-signature-256": sign(body),
            "x-github-event": "workflow_job",
            "x-github-delivery": randomUUID(),
          },
        });
        if (form) expect(isClearError(answer)).toBe(true);
        else expect(answer.status).toBe(200);
      }),
      { numRuns: 40 },
    );
  });

  it("keeps serving", async () => {
    expect((await call(`${mayfly.url}/healthz`)).status).toBe(200);
    expect((await signed(JSON.stringify(valid()))).status).toBe(200);
  });
});

function isPayload(body: string): boolean {
  try {
    return workflowJobPayloadSchema.safeParse(JSON.parse(body)).success;
  } catch {
    return false;
  }
}
