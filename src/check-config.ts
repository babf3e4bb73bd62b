import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { type Config, loadConfig } from "./config.js";
import { overlappingPools } from "./domain/overlapping-pools.js";
import { ConfigError } from "./errors.js";
import type { Pool } from "./pool-file.js";

/**
 * `npm run check-config`: validates the environment and pool file the way startup does, then prints the
 * effective configuration with every secret redacted, or every problem at once (exit 1).
 */

const REDACTED = "[redacted]";

/** The effective configuration as JSON, secrets replaced, then a one-line summary of the pools. */
export function describeConfig(config: Config): string {
  const redact = (value: unknown) => (value === undefined ? undefined : REDACTED);
  const effective = {
    ...config,
    github: {
      ...config.github,
      privateKey: REDACTED,
      webhookSecret: REDACTED,
      clientSecret: redact(config.github.clientSecret),
    },
    // Public, but a kilobyte of base64 hides the rest; its size says it was read.
    aws: {
      ...config.aws,
      identityCertificate: `[PEM certificate, ${config.aws.identityCertificate.length} bytes]`,
    },
    bootstrap: { keys: config.bootstrap.keys.map(() => REDACTED) },
    dashboard: {
      ...config.dashboard,
      sessionKey: redact(config.dashboard.sessionKey),
      token: redact(config.dashboard.token),
    },
    metrics: { token: redact(config.metrics.token) },
  };
  return `${JSON.stringify(effective, null, 2)}\n${summarisePools(config.pools)}`;
}

/** Warnings that do not stop startup: pools GitHub cannot tell apart by labels (ADR 0008). */
export function configWarnings(config: Pick<Config, "pools">): string[] {
  return overlappingPools(config.pools).map((o) => `warning: ${o.message}`);
}

function summarisePools(pools: readonly Pool[]): string {
  const each = pools.map((p) => {
    const who = p.allow ? `orgs ${p.allow.orgs.join("/")}` : "no allow block: admits nobody";
    return `${p.name} [${p.labels.join(", ")}] max ${p.maxRunners} ${p.market}, ${who}`;
  });
  return `${pools.length} pool${pools.length === 1 ? "" : "s"}: ${each.join("; ")}`;
}

function main(): void {
  try {
    const config = loadConfig();
    process.stdout.write(`${describeConfig(config)}\n`);
    for (const warning of configWarnings(config)) process.stderr.write(`${warning}\n`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  }
}

function isEntry(): boolean {
  const script = process.argv[1];
  return script !== undefined && import.meta.url === pathToFileURL(realpathSync(script)).href;
}

if (isEntry()) main();
