import type { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { streamSSE } from "hono/streaming";
import type { Logger } from "pino";
import type { EventLog, MayflyEvent } from "../events/event-log.js";
import type { DashboardData } from "./dashboard-data.js";
import type { DashboardEnv } from "./dashboard-env.js";
import { lastEventId, parseInput, streamQuery } from "./inputs.js";
import { canSee } from "./viewer.js";

/**
 * `GET /api/v1/stream`: Server-Sent Events. `event: mayfly-event` for each event as it is recorded
 * (`id` = its seq, so a reconnecting browser resumes with Last-Event-ID), and `event: snapshot` (runners
 * and pools) at once and then every tick, read from the shared observation cache: N viewers cost no more
 * observations than one. https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
export function mountStreamRoute(
  app: Hono<DashboardEnv>,
  deps: { data: DashboardData; events: EventLog; tickMs: number; maxStreams: number; log: Logger },
) {
  const open = new Set<() => void>();

  app.get("/api/v1/stream", (c) => {
    const query = parseInput(streamQuery, c.req.query(), "query");
    const resumeFrom =
      parseInput(lastEventId, c.req.header("last-event-id"), "Last-Event-ID header") ?? query.after;
    if (open.size >= deps.maxStreams)
      throw new HTTPException(503, { message: "too many live streams; poll instead" });
    const viewer = c.get("viewer");

    return streamSSE(c, async (stream) => {
      let chain = Promise.resolve();
      const send = (event: string, data: unknown, id?: number) => {
        chain = chain.then(() =>
          stream.writeSSE({
            event,
            data: JSON.stringify(data),
            id: id === undefined ? undefined : String(id),
          }),
        );
      };
      const sendEvent = (e: MayflyEvent) => {
        if (canSee(viewer, e.org)) send("mayfly-event", e, e.seq);
      };
      const snapshot = async () => {
        try {
          const [runners, pools] = await Promise.all([deps.data.runners(viewer), deps.data.pools(viewer)]);
          // lastSeq lets the browser notice a restarted (or another) replica, whose seq starts over.
          send("snapshot", { runners, pools, lastSeq: deps.events.list({ limit: 1 }).at(-1)?.seq ?? 0 });
        } catch (error) {
          deps.log.debug({ err: error }, "stream snapshot skipped: no observation yet");
        }
      };

      await stream.write("retry: 3000\n\n");
      if (resumeFrom !== undefined) for (const e of deps.events.list({ afterSeq: resumeFrom })) sendEvent(e);
      const unsubscribe = deps.events.subscribe(sendEvent);
      const timer = setInterval(() => void snapshot(), deps.tickMs);
      await snapshot();
      let end = () => {};
      const ended = new Promise<void>((resolve) => {
        end = resolve;
      });
      open.add(end);
      stream.onAbort(end);
      if (stream.aborted) end();
      await ended;
      open.delete(end);
      clearInterval(timer);
      unsubscribe();
      await chain;
    });
  });

  return {
    /** Ends every open stream (before the HTTP server closes, which would otherwise wait for them). */
    closeAll(): void {
      for (const resolve of open) resolve();
      open.clear();
    },
  };
}
