/**
 * An error the emulator answers in EC2's XML error shape. Codes, messages and statuses follow
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html: client errors are 400,
 * server errors 5xx (RequestLimitExceeded observed as 503, reference/limits-and-identity.md §3.3).
 */
export class Ec2ApiError extends Error {
  override name = "Ec2ApiError";
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = statusFor(code),
  ) {
    super(message);
  }
}

const SERVER_STATUS: Record<string, number> = {
  InsufficientInstanceCapacity: 500,
  InsufficientHostCapacity: 500,
  InsufficientCapacity: 500,
  InsufficientReservedInstanceCapacity: 500,
  InternalError: 500,
  Unavailable: 503,
  RequestLimitExceeded: 503,
  ServiceUnavailable: 503,
};

export function statusFor(code: string): number {
  return SERVER_STATUS[code] ?? 400;
}

export const missing = (name: string): Ec2ApiError =>
  new Ec2ApiError("MissingParameter", `The request must contain the parameter ${name}`);

export const invalidValue = (name: string, value: string, why = ""): Ec2ApiError =>
  new Ec2ApiError("InvalidParameterValue", `Invalid value '${value}' for ${name}.${why ? ` ${why}` : ""}`);

export const combination = (message: string): Ec2ApiError =>
  new Ec2ApiError("InvalidParameterCombination", message);

export const malformed = (code: string, id: string, prefix: string): Ec2ApiError =>
  new Ec2ApiError(code, `Invalid id: "${id}" (expecting "${prefix}-...")`);

/** EC2's wording, which callers parse to drop unknown ids: "The instance IDs 'i-1, i-2' do not exist". */
export function instancesNotFound(ids: readonly string[]): Ec2ApiError {
  return ids.length === 1
    ? new Ec2ApiError("InvalidInstanceID.NotFound", `The instance ID '${ids[0]}' does not exist`)
    : new Ec2ApiError("InvalidInstanceID.NotFound", `The instance IDs '${ids.join(", ")}' do not exist`);
}

export const throttled = (): Ec2ApiError =>
  new Ec2ApiError("RequestLimitExceeded", "Request limit exceeded.");

export function insufficientCapacity(
  instanceType: string,
  availabilityZone: string,
  market: string,
): Ec2ApiError {
  return new Ec2ApiError(
    "InsufficientInstanceCapacity",
    market === "spot"
      ? `There is no Spot capacity available that matches your request (${instanceType} in ${availabilityZone}).`
      : `We currently do not have sufficient ${instanceType} capacity in the Availability Zone you requested (${availabilityZone}). Our system will be working on provisioning additional capacity. You can currently get ${instanceType} capacity by not specifying an Availability Zone in your request or choosing a different Availability Zone.`,
  );
}

export const dryRun = (): Ec2ApiError =>
  new Ec2ApiError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);
