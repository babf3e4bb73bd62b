import { ConfigError } from "../../src/errors.js";

/**
 * The runner release pinned in infra/runner/runner.pkr.hcl: the one place a human bumps it
 * (docs/runner-image.md, "Updating the runner"). The stack's image pipeline reads the same defaults, and
 * infra/runner/check-release.sh compares them with GitHub's release metadata.
 */
export interface RunnerPins {
  version: string;
  sha256: { x64: string; arm64: string };
}

/** The default of `variable "NAME" { … default = "VALUE" … }` in the Packer template. */
export function templateDefault(template: string, name: string): string | undefined {
  return new RegExp(`^variable "${name}" \\{[^}]*?^\\s*default\\s*=\\s*"([^"]*)"`, "ms").exec(template)?.[1];
}

export function runnerPins(template: string, source = "runner.pkr.hcl"): RunnerPins {
  const pinned = (name: string, pattern: RegExp): string => {
    const value = templateDefault(template, name);
    if (value === undefined || !pattern.test(value)) {
      throw new ConfigError([
        {
          key: `${source}:${name}`,
          problem: `has no valid default (${value ?? "none"})`,
          fix: "see docs/runner-image.md",
        },
      ]);
    }
    return value;
  };
  const sha = /^[0-9a-f]{64}$/;
  return {
    version: pinned("runner_version", /^\d+\.\d+\.\d+$/),
    sha256: { x64: pinned("runner_sha256_x64", sha), arm64: pinned("runner_sha256_arm64", sha) },
  };
}
