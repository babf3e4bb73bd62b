/**
 * The few named errors Mayfly uses. Adapters translate AWS and GitHub errors into these,
 * so callers never parse vendor error strings (STYLE.md principle 7).
 */

export interface ConfigProblem {
  /** The environment variable or pool-file path that is wrong, e.g. `WEBHOOK_SECRET` or `pools.yml: pool "large": subnets`. */
  key: string;
  /** What is wrong with it. */
  problem: string;
  /** How to fix it. */
  fix: string;
}

/** Configuration that cannot work. Lists every problem at once. */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    super(formatProblems(problems), options);
    this.problems = problems;
  }
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.key}: ${p.problem}. Fix: ${p.fix}`);
  return `Mayfly configuration has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${lines.join("\n")}`;
}

/** The cloud has no capacity for this instance type / zone / market right now; try another. */
export class CapacityError extends Error {
  override name = "CapacityError";
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A rate limit answered; wait `retryAfterMs` (a hint) and try again. */
export class ThrottledError extends Error {
  override name = "ThrottledError";
  constructor(
    message: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A quota that waiting does not clear (vCPU limit, instance limit). */
export class QuotaError extends Error {
  override name = "QuotaError";
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The launch request itself is wrong (bad AMI, subnet, permissions): retrying will not help. */
export class LaunchConfigError extends Error {
  override name = "LaunchConfigError";
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * EC2 answered IdempotentParameterMismatch: a ClientToken was reused with different parameters. Ours to
 * fix (a later delivery derives a new token), not the admin's, so not a LaunchConfigError.
 * https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html
 */
export class LaunchTokenReusedError extends Error {
  override name = "LaunchTokenReusedError";
}

/** GitHub refused to remove a runner because it is running a job (HTTP 422). */
export class RunnerBusyError extends Error {
  override name = "RunnerBusyError";
}

/** GitHub refused to create a JIT runner because one with that name exists (HTTP 409). */
export class RunnerExistsError extends Error {
  override name = "RunnerExistsError";
}

/** A transient failure of a dependency (5xx, network): retry later. */
export class UnavailableError extends Error {
  override name = "UnavailableError";
}

/** Setup mode refused a step (a bad code, a forged request, already configured); nothing was stored. */
export class SetupError extends Error {
  override name = "SetupError";
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 | 409 | 422 | 502,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
