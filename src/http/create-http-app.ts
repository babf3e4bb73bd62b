import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";

/**
 * The one HTTP error handler (STYLE.md principle 8): expected refusals are HTTPExceptions carrying their
 * status; anything else is a 500 with a generic body and the details only in the log.
 */
export function createHttpApp(log: Logger): Hono {
  const app = new Hono();
  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      return c.json({ error: error.message }, error.status);
    }
    log.error({ err: error, path: c.req.path }, "unhandled error in HTTP handler");
    return c.json({ error: "internal error" }, 500);
  });
  app.notFound((c) => c.json({ error: "not found" }, 404));
  return app;
}
