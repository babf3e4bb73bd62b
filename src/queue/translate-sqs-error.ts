import { ThrottledError, UnavailableError } from "../errors.js";

/**
 * Maps SDK errors that are not the caller's business to our named errors (STYLE.md principle 7):
 * throttling → ThrottledError; 5xx and network failures → UnavailableError. Other errors are returned
 * unchanged (the caller decides). The SDK sets `name` to the SQS error shape (QueueDoesNotExist,
 * RequestThrottled, …) and `$fault`/`$metadata.httpStatusCode` on service errors; network errors
 * (ECONNREFUSED, resets, timeouts) carry `$metadata` without a status. Errors that never reached the SDK's
 * transport (no `$metadata`) are ours and pass through. Throttling names as in smithy's
 * THROTTLING_ERROR_CODES plus SQS's own.
 */

const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "SlowDown",
  "KmsThrottled",
  "OverLimit",
]);

/** SQS answers throttling without a Retry-After; a second is a sensible first wait. */
const THROTTLE_HINT_MS = 1000;

interface SdkErrorLike {
  name?: string;
  message?: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number };
}

export function translateSqsError(error: unknown): unknown {
  const e = (error ?? {}) as SdkErrorLike;
  if (e.name === "AbortError") return error;
  const status = e.$metadata?.httpStatusCode;
  if ((e.name && THROTTLING.has(e.name)) || status === 429) {
    return new ThrottledError(`SQS throttled the request (${e.name})`, THROTTLE_HINT_MS, { cause: error });
  }
  const network = e.$metadata !== undefined && status === undefined;
  if (e.$fault === "server" || (status !== undefined && status >= 500) || network) {
    return new UnavailableError(
      `SQS unavailable (${status ?? "network error"}): ${e.message ?? e.name ?? "unknown"}`,
      {
        cause: error,
      },
    );
  }
  return error;
}

/** Runs an SQS call, translating its failure. */
export async function callSqs<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateSqsError(error);
  }
}
