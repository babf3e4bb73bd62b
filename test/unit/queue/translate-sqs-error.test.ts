import { describe, expect, it } from "vitest";
import { ThrottledError, UnavailableError } from "../../../src/errors.js";
import { translateSqsError } from "../../../src/queue/translate-sqs-error.js";

/** SDK-shaped errors, as @aws-sdk/client-sqs throws them (name, $fault, $metadata). */
const sdkError = (name: string, status?: number, fault?: "client" | "server") =>
  Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode: status, attempts: 1 } });

describe("translateSqsError", () => {
  it.each([
    ["RequestThrottled", 403, "client", ThrottledError],
    ["ThrottlingException", 400, "client", ThrottledError],
    ["KmsThrottled", 400, "client", ThrottledError],
    ["OverLimit", 403, "client", ThrottledError],
    ["SomethingNew", 429, "client", ThrottledError],
    ["InternalError", 500, "server", UnavailableError],
    ["ServiceUnavailable", 503, "server", UnavailableError],
    ["Error", undefined, undefined, UnavailableError],
  ])("maps %s (%s) to %s, keeping the cause", (name, status, fault, expected) => {
    const error = sdkError(name, status, fault as "client" | "server" | undefined);
    const translated = translateSqsError(error);
    expect(translated).toBeInstanceOf(expected);
    expect((translated as Error).cause).toBe(error);
  });

  it.each([
    ["QueueDoesNotExist", sdkError("QueueDoesNotExist", 400, "client")],
    ["InvalidParameterValue", sdkError("InvalidParameterValue", 400, "client")],
    ["an abort", Object.assign(new Error("aborted"), { name: "AbortError", $metadata: {} })],
    ["an error that never reached the transport", new TypeError("bug")],
  ])("passes %s through", (_what, error) => {
    expect(translateSqsError(error)).toBe(error);
  });
});
