import type { ServerResponse } from "node:http";

/**
 * The AWS JSON 1.1 protocol's framing, shared by the emulators that speak it (Secrets Manager, SSM): an
 * `application/x-amz-json-1.1` body and a request id header. Each service's error shape stays its own
 * (Secrets Manager says `Message`, SSM `message`).
 */
export const AWS_JSON_CONTENT_TYPE = "application/x-amz-json-1.1";

export function writeAwsJson(res: ServerResponse, status: number, body: unknown, requestId: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": AWS_JSON_CONTENT_TYPE,
    "content-length": Buffer.byteLength(text),
    "x-amzn-RequestId": requestId,
  });
  res.end(text);
}

/** The request body as a JSON object, or the service's SerializationException. */
export function parseAwsJsonObject(
  text: string,
  serializationError: (message: string) => Error,
): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text || "{}");
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw serializationError("The request body is not a JSON object.");
}
