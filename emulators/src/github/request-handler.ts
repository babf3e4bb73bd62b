import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { BodyTooLargeError, readBody, sendJson } from "../http.js";
import type { createApiHandler } from "./api-handler.js";
import { ControlError } from "./control-error.js";
import { type ControlApi, handleControl } from "./control-routes.js";
import type { OAuthRoutes } from "./oauth-routes.js";
import type { RunnerBroker } from "./runner-broker.js";
import type { Stats } from "./stats.js";

/**
 * Splits traffic: `/_emulator/*` (control and runner protocol, never rate limited or
 * slowed), `/login/oauth/*` (github.com's OAuth pages), the new-App and install pages, and everything else as the REST API, which also
 * answers under `/api/v3` like GitHub Enterprise Server (Probot's GHE_HOST builds that base URL).
 */
export function createRequestHandler(deps: {
  api: ReturnType<typeof createApiHandler>;
  oauth: OAuthRoutes;
  control: () => ControlApi;
  broker: RunnerBroker;
  stats: Stats;
  /** github.com's web pages for the App manifest and installation flows. */
  web: ReadonlyArray<{
    handle(
      req: IncomingMessage,
      res: ServerResponse,
      path: string,
      params: URLSearchParams,
    ): number | undefined;
  }>;
}): RequestListener {
  return (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { message: "Server Error" });
      else res.destroy();
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    const method = (req.method ?? "GET").toUpperCase();
    let rawBody: Buffer;
    try {
      rawBody = await readBody(req);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      sendJson(res, 413, { message: "Payload too big", status: "413" });
      return;
    }

    if (url.pathname.startsWith("/_emulator/")) {
      try {
        await handleControl(
          deps.control(),
          deps.broker,
          method,
          url.pathname,
          url.searchParams,
          jsonOrUndefined(rawBody),
          res,
        );
      } catch (error) {
        const status = error instanceof ControlError ? error.status : 400;
        if (!res.headersSent)
          sendJson(res, status, { message: error instanceof Error ? error.message : String(error) });
      }
      return;
    }

    let path = url.pathname;
    let prefix = "";
    if (path === "/api/v3" || path.startsWith("/api/v3/")) {
      prefix = "/api/v3";
      path = path.slice(prefix.length) || "/";
    }
    if (path.startsWith("/login/oauth/")) {
      const params = new URLSearchParams(url.searchParams);
      for (const [k, v] of formOrJson(req, rawBody)) params.set(k, v);
      deps.stats.call(`${method} ${path}`);
      deps.stats.status(deps.oauth.handle(req, res, path, params));
      return;
    }
    if (/^\/(organizations\/[^/]+\/)?settings\/apps\/new$|^\/apps\/[^/]+\/installations\/new$/.test(path)) {
      const params = new URLSearchParams(url.searchParams);
      for (const [k, v] of formOrJson(req, rawBody)) params.set(k, v);
      deps.stats.call(`${method} ${path}`);
      for (const page of deps.web) {
        const status = page.handle(req, res, path, params);
        if (status !== undefined) return deps.stats.status(status);
      }
    }
    const status = await deps.api({ req, res, method, path, prefix, query: url.searchParams, rawBody });
    deps.stats.status(status);
  }
}

function jsonOrUndefined(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new ControlError(400, "Problems parsing JSON");
  }
}

/** OAuth endpoints accept form-encoded or JSON bodies. */
function formOrJson(req: IncomingMessage, raw: Buffer): [string, string][] {
  const text = raw.toString("utf8");
  if (!text) return [];
  if ((req.headers["content-type"] ?? "").includes("json")) {
    try {
      const value: unknown = JSON.parse(text);
      if (value && typeof value === "object") {
        return Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]);
      }
    } catch {
      return [];
    }
    return [];
  }
  return [...new URLSearchParams(text)];
}
