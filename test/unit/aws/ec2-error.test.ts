import { EC2ServiceException } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { ec2ErrorCode, translateEc2Error } from "../../../src/aws/ec2-error.js";
import {
  CapacityError,
  LaunchConfigError,
  LaunchTokenReusedError,
  QuotaError,
  ThrottledError,
  UnavailableError,
} from "../../../src/errors.js";

/** An error shaped as the SDK throws it for an EC2 error answer. */
function serviceError(code: string, status: number): EC2ServiceException {
  return new EC2ServiceException({
    name: code,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
    message: `message for ${code}`,
  });
}

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:4566`), { code });
}

describe("translateEc2Error", () => {
  it.each([
    ["InsufficientInstanceCapacity", 500, CapacityError],
    ["InsufficientHostCapacity", 500, CapacityError],
    ["InsufficientCapacity", 500, CapacityError],
    ["UnfulfillableCapacity", 400, CapacityError],
    ["SpotMaxPriceTooLow", 400, CapacityError],
    ["InsufficientFreeAddressesInSubnet", 400, CapacityError],
    ["MaxSpotInstanceCountExceeded", 400, CapacityError],
    ["RequestLimitExceeded", 503, ThrottledError],
    ["Client.RequestLimitExceeded", 503, ThrottledError],
    ["Throttling", 400, ThrottledError],
    ["InstanceLimitExceeded", 400, QuotaError],
    ["VcpuLimitExceeded", 400, QuotaError],
    ["InvalidParameterValue", 400, LaunchConfigError],
    ["InvalidParameterCombination", 400, LaunchConfigError],
    ["InvalidAMIID.NotFound", 400, LaunchConfigError],
    ["InvalidAMIID.Malformed", 400, LaunchConfigError],
    ["InvalidSubnetID.NotFound", 400, LaunchConfigError],
    ["InvalidGroup.NotFound", 400, LaunchConfigError],
    ["UnauthorizedOperation", 403, LaunchConfigError],
    ["IdempotentParameterMismatch", 400, LaunchTokenReusedError],
    ["InvalidLaunchTemplateName.NotFoundException", 400, LaunchConfigError],
    ["InvalidLaunchTemplateId.VersionNotFound", 400, LaunchConfigError],
    ["MissingParameter", 400, LaunchConfigError],
    ["SomeFutureClientError", 400, LaunchConfigError],
    ["InternalError", 500, UnavailableError],
    ["Unavailable", 503, UnavailableError],
    ["SomeFutureServerError", 502, UnavailableError],
  ] as const)("%s (HTTP %i) → %s", (code, status, expected) => {
    const original = serviceError(code, status);
    const translated = translateEc2Error(original);
    expect(translated).toBeInstanceOf(expected);
    expect(translated.cause).toBe(original);
    expect(translated.message).toContain(code);
    if ("code" in translated) expect(translated.code).toBe(code);
  });

  it.each(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN"])(
    "network failure %s → UnavailableError",
    (code) => {
      const original = networkError(code);
      const translated = translateEc2Error(original);
      expect(translated).toBeInstanceOf(UnavailableError);
      expect(translated.cause).toBe(original);
    },
  );

  it("gives throttling a positive retry hint", () => {
    const translated = translateEc2Error(serviceError("RequestLimitExceeded", 503)) as ThrottledError;
    expect(translated.retryAfterMs).toBeGreaterThan(0);
  });

  it("treats an error with no status and no code as unavailable, keeping it as the cause", () => {
    const original = new TypeError("fetch failed");
    expect(translateEc2Error(original)).toBeInstanceOf(UnavailableError);
    expect(translateEc2Error("boom").cause).toBe("boom");
  });
});

describe("ec2ErrorCode", () => {
  it.each([
    [serviceError("InvalidInstanceID.NotFound", 400), "InvalidInstanceID.NotFound"],
    [networkError("ECONNRESET"), "ECONNRESET"],
    [new Error("plain"), undefined],
    [undefined, undefined],
  ])("reads the code of %s", (error, code) => {
    expect(ec2ErrorCode(error)).toBe(code);
  });
});
