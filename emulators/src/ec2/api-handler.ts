import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLargeError, readBody, sleep } from "../http.js";
import { ACTIONS } from "./actions/index.js";
import { Ec2ApiError } from "./api-error.js";
import type { Ec2Context } from "./context.js";
import type { Faults } from "./faults.js";
import { Query } from "./query.js";
import type { StatsCounter } from "./stats.js";
import { errorXml, responseXml } from "./xml.js";

/**
 * The EC2 Query endpoint (`POST /`): checks for a SigV4 header (not its signature), then per action
 * injected latency, injected faults, the request bucket, and the handler. Every failure is an EC2 XML
 * error; an unexpected exception becomes InternalError (500), never a dropped connection.
 */
export function createApiHandler(ctx: Ec2Context, faults: Faults, stats: StatsCounter) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    let action = "";
    try {
      const body = await readBody(req, 2 * 1024 * 1024);
      const query = Query.parse(
        `${body.toString("utf8")}&${new URL(req.url ?? "/", "http://x").search.slice(1)}`,
      );
      if (!req.headers.authorization?.startsWith("AWS4-HMAC-SHA256")) {
        throw new Ec2ApiError(
          "AuthFailure",
          "AWS was not able to validate the provided access credentials",
          401,
        );
      }
      action = query.str("Action") ?? "";
      if (!action) throw new Ec2ApiError("MissingAction", "The request must contain the parameter Action");
      const handler = ACTIONS[action];
      if (!handler) {
        throw new Ec2ApiError("InvalidAction", `The action ${action} is not valid for this web service.`);
      }
      stats.call(action);
      const delay = faults.latency(action);
      if (delay > 0) await sleep(delay);
      const fault = faults.take(action);
      if (fault) throw fault;
      ctx.throttler.request(action, query);
      send(res, 200, responseXml(action, requestId, handler(query, ctx)));
    } catch (error) {
      const apiError = toApiError(error);
      if (ACTIONS[action]) stats.error(action, apiError.code);
      send(res, apiError.status, errorXml(apiError.code, apiError.message, requestId));
    }
  };
}

function toApiError(error: unknown): Ec2ApiError {
  if (error instanceof Ec2ApiError) return error;
  if (error instanceof BodyTooLargeError) return new Ec2ApiError("InvalidParameterValue", error.message);
  return new Ec2ApiError("InternalError", `An internal error has occurred (${String(error)})`, 500);
}

function send(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, {
    "content-type": "text/xml;charset=UTF-8",
    "content-length": Buffer.byteLength(xml),
  });
  res.end(xml);
}
