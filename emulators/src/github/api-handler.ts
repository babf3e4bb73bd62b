import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson, sleep } from "../http.js";
import type { ApiDeps } from "./api-deps.js";
import { ApiError, notFound } from "./api-error.js";
import { authenticate, requireApp, requireUser } from "./auth.js";
import type { Faults } from "./faults.js";
import { hex } from "./ids.js";
import type { Router } from "./router.js";

/**
 * One REST API request, in GitHub's order: authenticate, count it against the rate limits (headers on
 * every answer), then route. Injected latency counts as time in flight, so it feeds the concurrency
 * limit as slow answers do on GitHub. Every failure is a GitHub-shaped JSON error; nothing crashes.
 */

const COMMON_HEADERS = {
  "x-github-api-version-selected": "2022-11-28",
  "x-github-media-type": "github.v3; format=json",
};

export interface ApiRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  prefix: string;
  query: URLSearchParams;
  rawBody: Buffer;
}

export function createApiHandler(deps: ApiDeps & { router: Router; faults: Faults }) {
  const { world, limiter, stats, router, faults } = deps;

  return async function handleApi({
    req,
    res,
    method,
    path,
    prefix,
    query,
    rawBody,
  }: ApiRequest): Promise<number> {
    const match = router.match(method, path);
    const template =
      match.kind === "found"
        ? match.route.template
        : match.kind === "wrong-method"
          ? match.template
          : undefined;
    const endpoint = `${method} ${template ?? path}`;
    stats.call(endpoint);
    const requestId = `${hex(2).toUpperCase()}:${hex(3).toUpperCase()}:${hex(4).toUpperCase()}`;
    const caller = authenticate(
      req.headers.authorization,
      req.socket.remoteAddress ?? "unknown",
      world,
      deps.now(),
    );
    const send = (status: number, body: unknown, headers: Record<string, string>) => {
      sendJson(res, status, body, { ...COMMON_HEADERS, "x-github-request-id": requestId, ...headers });
      return status;
    };
    const docs = match.kind === "found" ? match.route.docs : undefined;

    limiter.enter(caller.key);
    let rateHeaders: Record<string, string> = {};
    try {
      if (faults.latencyMs > 0) await sleep(faults.latencyMs);
      const fault = faults.take(method, path, template);
      if (fault) {
        const body = fault.body ?? new ApiError(fault.status, statusText(fault.status)).body(docs);
        return send(fault.status, body, fault.headers ?? {});
      }
      const countsPrimary = template !== "/rate_limit";
      const org = match.kind === "found" ? match.params.org : undefined;
      const verdict = limiter.check(caller, method, endpoint, requestId, countsPrimary, org);
      rateHeaders = verdict.headers;
      if (verdict.rejection) throw verdict.rejection;
      if (caller.kind === "rejected") throw caller.error;
      if (match.kind !== "found") throw notFound();
      if (match.route.auth === "app") requireApp(caller);
      if (match.route.auth === "user") requireUser(caller);
      const result = await match.route.handler({
        params: match.params,
        query,
        body: parseBody(rawBody),
        caller,
        req,
        selfUrl: `http://${req.headers.host}${prefix}${path}`,
        apiBase: `http://${req.headers.host}${prefix}`,
      });
      return send(result.status, result.body, { ...rateHeaders, ...result.headers });
    } catch (error) {
      if (error instanceof ApiError)
        return send(error.status, error.body(docs), { ...rateHeaders, ...error.headers });
      return send(500, new ApiError(500, "Server Error").body(docs), rateHeaders);
    } finally {
      limiter.leave(caller.key);
    }
  };
}

/** GitHub's answers to bodies it cannot read. */
function parseBody(raw: Buffer): Record<string, unknown> {
  const text = raw.toString("utf8").trim();
  if (text === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, "Problems parsing JSON");
  }
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new ApiError(400, "Body should be a JSON object");
  return value as Record<string, unknown>;
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
  };
  return texts[status] ?? "Error";
}
