import type { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ActionOutcome, AdminActions } from "./admin-actions.js";
import type { DashboardData } from "./dashboard-data.js";
import type { DashboardEnv } from "./dashboard-env.js";
import { emptyQuery, eventsQuery, instanceIdParam, parseInput } from "./inputs.js";

/**
 * The JSON API under /api/v1 (session or bearer; the auth middleware runs first). Reads serve the shared
 * cached views; the two POSTs are the admin actions.
 */
export function mountApiRoutes(
  app: Hono<DashboardEnv>,
  deps: { data: DashboardData; actions: AdminActions },
): void {
  const { data, actions } = deps;
  const noQuery = (query: Record<string, string>) => parseInput(emptyQuery, query, "query");

  app.get("/api/v1/runners", async (c) => {
    noQuery(c.req.query());
    return c.json(await observed(() => data.runners(c.get("viewer"))));
  });

  app.get("/api/v1/pools", async (c) => {
    noQuery(c.req.query());
    return c.json(await observed(() => data.pools(c.get("viewer"))));
  });

  app.get("/api/v1/events", (c) => {
    const { after, limit } = parseInput(eventsQuery, c.req.query(), "query");
    return c.json(data.events(c.get("viewer"), after, limit));
  });

  app.get("/api/v1/summary", (c) => {
    noQuery(c.req.query());
    return c.json(data.summary());
  });

  app.get("/api/v1/costs", (c) => {
    noQuery(c.req.query());
    return c.json(data.costs(c.get("viewer")));
  });

  app.post("/api/v1/runners/:instanceId/drain", async (c) => {
    const { instanceId } = parseInput(instanceIdParam, c.req.param(), "path");
    return c.json(answer(await actions.drain(c.get("viewer"), instanceId)));
  });

  app.post("/api/v1/instances/:instanceId/terminate", async (c) => {
    const { instanceId } = parseInput(instanceIdParam, c.req.param(), "path");
    return c.json(answer(await actions.terminate(c.get("viewer"), instanceId)));
  });
}

/** 404 also for instances of other deployments or of orgs the viewer does not administer: no oracle. */
function answer(outcome: ActionOutcome): { ok: true; message: string } {
  if (outcome.kind === "not-found")
    throw new HTTPException(404, { message: "no such instance in this deployment" });
  if (outcome.kind === "busy") throw new HTTPException(409, { message: outcome.message });
  return { ok: true, message: outcome.message };
}

/** No observation has ever succeeded (EC2 or GitHub down since start): 503, the client retries. */
async function observed<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new HTTPException(503, { message: "cannot observe runners right now; retrying", cause: error });
  }
}
