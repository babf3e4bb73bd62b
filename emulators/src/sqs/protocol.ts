import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { SqsError } from "./sqs-error.js";

/** AWS JSON 1.0 framing: content type, request id header, error bodies, and the SigV4 presence check. */

const CONTENT_TYPE = "application/x-amz-json-1.0";

export function sendResult(res: ServerResponse, requestId: string, body: unknown): void {
  write(res, 200, JSON.stringify(body ?? {}), { "x-amzn-RequestId": requestId });
}

export function sendError(res: ServerResponse, requestId: string, error: SqsError): void {
  write(res, error.status, JSON.stringify(error.body), { "x-amzn-RequestId": requestId, ...error.headers });
}

function write(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    "content-type": CONTENT_TYPE,
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * Requests must carry a SigV4 `authorization` header. Signatures are not verified (any credentials work),
 * but an unsigned request fails the way AWS fails it.
 */
export function checkAuthorization(headers: IncomingHttpHeaders): void {
  const authorization = headers.authorization;
  if (!authorization) {
    throw new SqsError("MissingAuthenticationToken", "Request is missing Authentication Token");
  }
  if (
    !/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[^/]+\/sqs\/aws4_request, ?SignedHeaders=[^,]+, ?Signature=[0-9a-f]+$/.test(
      authorization,
    )
  ) {
    throw new SqsError("IncompleteSignature", "The request signature does not conform to AWS standards.");
  }
}

/** `x-amz-target: AmazonSQS.<Operation>` → the operation name. */
export function operationOf(headers: IncomingHttpHeaders): string | undefined {
  const target = headers["x-amz-target"];
  return typeof target === "string" && target.startsWith("AmazonSQS.")
    ? target.slice("AmazonSQS.".length)
    : undefined;
}
