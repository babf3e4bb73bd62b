import type { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Checklist, ChecklistItem } from "../setup/checklist.js";
import type { DashboardEnv } from "./dashboard-env.js";
import { emptyQuery, parseInput } from "./inputs.js";

/**
 * GET /api/v1/checklist: the setup checklist (src/setup/checklist.ts) on the dashboard, each failed item
 * with its fix. It spans every org and the deployment's AWS setup, so only viewers who see everything
 * (the operator team, the bearer token) get it. One run is shared for `ttlMs`: a run calls GitHub and
 * AWS and may redeliver a failed ping, which a page left open must not repeat every few seconds.
 */
export function mountChecklistRoute(
  app: Hono<DashboardEnv>,
  deps: { checklist: Checklist; ttlMs?: number; now: () => number },
): void {
  const ttlMs = deps.ttlMs ?? 30_000;
  let last: { at: number; items: Promise<ChecklistItem[]> } | undefined;
  app.get("/api/v1/checklist", async (c) => {
    parseInput(emptyQuery, c.req.query(), "query");
    if (c.get("viewer").orgs !== "all") {
      throw new HTTPException(403, { message: "the setup checklist is shown to Mayfly's operators only" });
    }
    if (!last || deps.now() - last.at >= ttlMs) {
      const items = deps.checklist.run();
      last = { at: deps.now(), items };
      // A failed run is not kept: the next look tries again.
      items.catch(() => {
        if (last?.items === items) last = undefined;
      });
    }
    const items = await last.items;
    return c.json({ items, failed: items.filter((i) => i.status !== "ok").length });
  });
}
