import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { waitFor } from "../../helpers/wait-for.js";
import { createHarness, type Harness, sessionCookie, TOKEN, testConfig } from "./harness.js";

/** GET /api/v1/stream: Server-Sent Events with recorded events and periodic snapshots. */

let h: Harness;
beforeEach(() => {
  h = createHarness({ deps: { timing: { streamTickMs: 40 } } });
});
afterEach(() => h.close());

interface SseMessage {
  event?: string;
  id?: string;
  data: string;
}

/** Reads server-sent messages until `done` says stop; the deadline only names a stream that hangs. */
function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const messages: SseMessage[] = [];
  return {
    reader,
    messages,
    async until(done: (m: SseMessage[]) => boolean): Promise<SseMessage[]> {
      const deadline = Date.now() + 10_000;
      while (!done(messages)) {
        if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(messages)}`);
        const { value, done: ended } = await reader.read();
        if (ended) throw new Error("stream ended");
        buffer += decoder.decode(value, { stream: true });
        const blocks = buffer.split("\n\n");
        buffer = blocks.pop() ?? "";
        for (const block of blocks) {
          const message: SseMessage = { data: "" };
          for (const line of block.split("\n")) {
            const [field, ...rest] = line.split(": ");
            const value = rest.join(": ");
            if (field === "event") message.event = value;
            else if (field === "id") message.id = value;
            else if (field === "data") message.data += value;
          }
          if (message.event) messages.push(message);
        }
      }
      return messages;
    },
  };
}

const open = (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }, query = "") =>
  h.app.request(`/api/v1/stream${query}`, { headers });

describe("the live stream", () => {
  it("sends a snapshot at once, then each event as it is recorded, with its seq as id", async () => {
    const id = await h.launch("acme");
    const res = await open();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const sse = sseReader(res.body!);
    const [snapshot] = await sse.until((m) => m.some((x) => x.event === "snapshot"));
    const data = JSON.parse(snapshot!.data);
    expect(data.runners.runners.map((r: { instanceId: string }) => r.instanceId)).toEqual([id]);
    expect(data.pools.pools.map((p: { name: string }) => p.name)).toEqual(["linux", "arm"]);
    expect(data.lastSeq).toBe(0);

    const recorded = h.events.record({
      kind: "launch.failed",
      message: "no capacity",
      pool: "linux",
      reason: "CapacityError",
    });
    const messages = await sse.until((m) => m.some((x) => x.event === "mayfly-event"));
    const message = messages.find((x) => x.event === "mayfly-event")!;
    expect(message.id).toBe(String(recorded.seq));
    expect(JSON.parse(message.data)).toEqual(recorded);
    await sse.reader.cancel();
  });

  it("keeps sending snapshots every tick, from the shared observation", async () => {
    const sse = sseReader((await open()).body!);
    await sse.until((m) => m.filter((x) => x.event === "snapshot").length >= 3);
    expect(h.observeCalls()).toBe(1);
    await sse.reader.cancel();
  });

  it("resumes after Last-Event-ID (or ?after=) with the events missed", async () => {
    for (const n of [1, 2, 3])
      h.events.record({ kind: "job.queued", message: `job ${n}`, pool: "linux", jobId: n });
    const sse = sseReader((await open({ authorization: `Bearer ${TOKEN}`, "last-event-id": "1" })).body!);
    const got = await sse.until((m) => m.filter((x) => x.event === "mayfly-event").length >= 2);
    expect(got.filter((x) => x.event === "mayfly-event").map((x) => x.id)).toEqual(["2", "3"]);
    await sse.reader.cancel();

    const viaQuery = sseReader((await open(undefined, "?after=2")).body!);
    const rest = await viaQuery.until((m) => m.some((x) => x.event === "mayfly-event"));
    expect(rest.filter((x) => x.event === "mayfly-event").map((x) => x.id)).toEqual(["3"]);
    await viaQuery.reader.cancel();
  });

  it("sends an org admin only the events of their orgs (and those of no org)", async () => {
    const cookie = await sessionCookie("alice", ["acme"]);
    const sse = sseReader((await open({ cookie })).body!);
    await sse.until((m) => m.some((x) => x.event === "snapshot"));
    h.events.record({ kind: "policy.denied", message: "globex denial", org: "globex" });
    h.events.record({ kind: "policy.denied", message: "acme denial", org: "acme" });
    h.events.record({ kind: "error", message: "no org" });
    const got = await sse.until((m) => m.filter((x) => x.event === "mayfly-event").length >= 2);
    expect(got.filter((x) => x.event === "mayfly-event").map((x) => JSON.parse(x.data).message)).toEqual([
      "acme denial",
      "no org",
    ]);
    await sse.reader.cancel();
  });

  it("ends open streams when the dashboard stops", async () => {
    const sse = sseReader((await open()).body!);
    await sse.until((m) => m.some((x) => x.event === "snapshot"));
    h.dashboard.stop();
    await expect(sse.until(() => false)).rejects.toThrow("stream ended");
  });

  it("refuses more streams than the limit with 503", async () => {
    const limited = createHarness({
      config: testConfig(),
      deps: { timing: { maxStreams: 1, streamTickMs: 40 } },
    });
    const first = await limited.app.request("/api/v1/stream", {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(first.status).toBe(200);
    const reader = sseReader(first.body!);
    await reader.until((m) => m.length > 0);
    const second = await limited.app.request("/api/v1/stream", {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(second.status).toBe(503);
    // A client that goes away frees its place.
    await reader.reader.cancel();
    const third = await waitFor("a place freed", async () => {
      const res = await limited.app.request("/api/v1/stream", {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      if (res.status === 200) return res;
      await res.body?.cancel();
      return undefined;
    });
    expect(third.status).toBe(200);
    await third.body!.cancel();
    limited.close();
  });
});
