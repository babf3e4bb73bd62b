import {
  CapacityError,
  LaunchConfigError,
  LaunchTokenReusedError,
  QuotaError,
  ThrottledError,
  UnavailableError,
} from "../errors.js";

/**
 * Turns whatever the EC2 client threw into one of Mayfly's named errors (STYLE.md principle 7), keeping
 * the original as `cause`. Codes from https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 * (reference/api-facts.md §3.5).
 */

/** Another instance type, zone or market may work now. */
const CAPACITY = new Set([
  "InsufficientInstanceCapacity",
  "InsufficientHostCapacity",
  "InsufficientCapacity",
  "InsufficientReservedInstanceCapacity",
  "UnfulfillableCapacity",
  "SpotMaxPriceTooLow",
  "InsufficientFreeAddressesInSubnet",
  "MaxSpotInstanceCountExceeded",
]);

/** `Client.RequestLimitExceeded` is the spelling CloudWatch documents (limits-and-identity.md §3.3). */
const THROTTLING = new Set([
  "RequestLimitExceeded",
  "Client.RequestLimitExceeded",
  "Throttling",
  "ThrottlingException",
  "RequestThrottled",
  "RequestThrottledException",
  "EC2ThrottledException",
  "TooManyRequestsException",
]);

/** Account quotas: waiting does not clear them, a quota increase does. */
const QUOTA = new Set(["InstanceLimitExceeded", "VcpuLimitExceeded", "ResourceLimitExceeded"]);

/** Prefixes of request-is-wrong codes: retrying the same request will fail the same way. */
const CONFIG_PREFIXES = [
  "InvalidParameter",
  "InvalidAMIID.",
  "InvalidSubnetID.",
  "InvalidGroup.",
  "InvalidGroupId.",
  "InvalidLaunchTemplate",
  "InvalidInstanceID.",
  "InvalidKeyPair.",
  "InvalidBlockDeviceMapping",
  "InvalidFleetConfiguration",
  "InvalidUserData.",
  "InvalidID",
];
const CONFIG = new Set([
  "UnauthorizedOperation",
  "AuthFailure",
  "OptInRequired",
  "MissingParameter",
  "UnsupportedOperation",
  "Unsupported",
  "OperationNotPermitted",
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
]);

/** Node and SDK names for a request that never got an answer. */
const NETWORK =
  /^(ECONN\w+|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|TimeoutError|RequestTimeout\w*)$/;

/** Seconds the RunInstances request bucket needs for one token (refill 2/s): a floor, not a promise. */
const THROTTLE_RETRY_MS = 1000;

interface AwsLikeError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** The EC2 error code of an SDK error, if it has one. */
export function ec2ErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as AwsLikeError;
  return e.Code ?? (e.$metadata ? e.name : undefined) ?? e.code;
}

export function translateEc2Error(error: unknown): Error {
  const code = ec2ErrorCode(error) ?? "Unknown";
  const status = (error as AwsLikeError | null)?.$metadata?.httpStatusCode;
  const message = `EC2 ${code}: ${(error as AwsLikeError | null)?.message ?? String(error)}`;
  const options = { cause: error };
  if (CAPACITY.has(code)) return new CapacityError(message, code, options);
  if (THROTTLING.has(code)) return new ThrottledError(message, THROTTLE_RETRY_MS, options);
  if (QUOTA.has(code)) return new QuotaError(message, code, options);
  if (code === "IdempotentParameterMismatch") return new LaunchTokenReusedError(message, options);
  if (CONFIG.has(code) || CONFIG_PREFIXES.some((p) => code.startsWith(p))) {
    return new LaunchConfigError(message, code, options);
  }
  if (NETWORK.test(code) || status === undefined || status >= 500) {
    return new UnavailableError(message, options);
  }
  // Any other 4xx: the request itself is wrong, so retrying will not help.
  return new LaunchConfigError(message, code, options);
}
