import { Hono } from "hono";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Enrol, EnrolRequest } from "../../../src/bootstrap/enrol-result.js";
import { mountBootstrapRoute } from "../../../src/bootstrap/route.js";

/**
 * A bootstrap request waits for GitHub's budget at most `holdMs`, so no JIT config is sent just before the
 * instance's own 30 s attempt gives up (a config answered to nobody costs a second write to replace).
 */

const body = JSON.stringify({ token: "t", identity: { document: "d", signature: "s" } });
const issued = {
  ok: true,
  instanceId: "i-0123456789abcdef0",
  runnerName: "mayfly-i-0123456789abcdef0",
  runnerId: 7,
  pool: "linux",
  org: "acme",
  encodedJitConfig: "jit",
  reissued: false,
} as const;

function app(enrol: Enrol, hold: AbortController) {
  const http = new Hono();
  const reports: string[] = [];
  mountBootstrapRoute(http, {
    enrol,
    report: ((kind: string) => {
      reports.push(kind);
    }) as never,
    events: { record: () => undefined },
    metrics: { bootstrapRefusals: { inc: () => undefined } },
    log: pino({ level: "silent" }),
    trustedProxyHops: 0,
    holdSignal: () => hold.signal,
    schedule: () => undefined,
  });
  const post = () =>
    http.request("/bootstrap", { method: "POST", body, headers: { "content-type": "application/json" } });
  return { post, reports };
}

/** Waits, like the budget line, until the request's signal ends the wait; or is let through. */
function waitingEnrol() {
  const seen: EnrolRequest[] = [];
  let release: (() => void) | undefined;
  const enrol: Enrol = (request) => {
    seen.push(request);
    return new Promise((resolve, reject) => {
      release = () => resolve(issued);
      request.signal?.addEventListener("abort", () => reject(request.signal?.reason), { once: true });
    });
  };
  return { enrol, seen, release: () => release?.() };
}

describe("bootstrap hold", () => {
  it("ends the wait at the hold limit and tells the instance to ask again, issuing nothing", async () => {
    const hold = new AbortController();
    const { enrol, seen } = waitingEnrol();
    const { post, reports } = app(enrol, hold);
    const answer = post();
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.signal?.aborted).toBe(false);
    hold.abort(new Error("held long enough"));
    const res = await answer;
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await res.json()).toMatchObject({ error: expect.stringMatching(/ask again/) });
    expect(seen[0]!.signal?.aborted).toBe(true);
    expect(reports).toEqual([]);
  });

  it("answers the config when GitHub's turn comes within the hold", async () => {
    const hold = new AbortController();
    const waiting = waitingEnrol();
    const { post, reports } = app(waiting.enrol, hold);
    const answer = post();
    await new Promise((resolve) => setImmediate(resolve));
    waiting.release();
    const res = await answer;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ runnerName: issued.runnerName, encodedJitConfig: "jit" });
    expect(reports).toEqual(["bootstrap.issued"]);
  });
});
