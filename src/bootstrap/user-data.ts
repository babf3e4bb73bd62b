/**
 * User-data for a runner instance: configuration for the image's bootstrap unit
 * (infra/runner/bootstrap.sh), never a GitHub credential or a JIT config (DESIGN.md "bootstrap"): anyone
 * with ec2:DescribeInstanceAttribute can read user-data. The one-time token it carries is useless without
 * the instance's own identity document, and after the first use.
 * Plain `KEY='value'` lines that the script parses (it does not `source` them).
 */

export const USER_DATA_HEADER = "# mayfly-bootstrap v1";

export interface UserDataValues {
  appUrl: string;
  token: string;
  pool: string;
  /** Hard maximum for the whole instance: the on-instance watchdog powers off after this. */
  maxLifetimeSeconds: number;
  /**
   * The pool's boot timeout: how long the bootstrap script keeps asking for its config. The app paces
   * JIT configs (EnrolmentBudget) on the promise that an instance waits this long.
   */
  bootTimeoutSeconds: number;
  /** The pool's `jobImds`: absent or "block" and the image firewalls IMDS off from the job's user. */
  jobImds?: "block" | "allow";
}

export function renderUserData(values: UserDataValues): string {
  const lines = [
    "#!/bin/sh",
    `${USER_DATA_HEADER}: read by mayfly-bootstrap.service; holds no runner credential.`,
    `MAYFLY_URL=${quote(values.appUrl)}`,
    `MAYFLY_BOOTSTRAP_TOKEN=${quote(values.token)}`,
    `MAYFLY_POOL=${quote(values.pool)}`,
    `MAYFLY_MAX_LIFETIME_SECONDS=${quote(String(values.maxLifetimeSeconds))}`,
    `MAYFLY_BOOT_TIMEOUT_SECONDS=${quote(String(values.bootTimeoutSeconds))}`,
    `MAYFLY_JOB_IMDS=${quote(values.jobImds ?? "block")}`,
  ];
  return `${lines.join("\n")}\n`;
}

/** Parses what `renderUserData` wrote (the simulated agent and tests use this; the image's script uses sed). */
export function parseUserData(text: string): Partial<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^(MAYFLY_[A-Z_]+)='([^']*)'$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) out[match[1]] = match[2];
  }
  return out;
}

function quote(value: string): string {
  if (/['\n\r]/.test(value)) throw new Error("user-data values must not contain quotes or newlines");
  return `'${value}'`;
}
