import { describe, expect, it } from "vitest";
import { describeConfig } from "../../src/check-config.js";
import { loadConfig } from "../../src/config.js";
import {
  EXAMPLE_POOLS_PATH,
  filesReader,
  MINIMAL_POOLS,
  POOLS_PATH,
  PRIVATE_KEY,
  SECRETS,
  validEnv,
} from "../fixtures/config/config-env.js";

const load = (env: Record<string, string | undefined>) =>
  loadConfig({ env, readFile: filesReader({ [POOLS_PATH]: MINIMAL_POOLS }) });
const ALL_SECRETS = [...Object.values(SECRETS), PRIVATE_KEY, PRIVATE_KEY.split("\n")[1]!];

describe("describeConfig (npm run check-config)", () => {
  it("prints the effective configuration with every secret redacted, then a pool summary", () => {
    const config = load(validEnv({ MAYFLY_POOLS_FILE: EXAMPLE_POOLS_PATH }));
    const text = describeConfig(config);
    const keyBytes = config.bootstrap.keys.map((k) => JSON.stringify(Array.from(k)).slice(1, 40));
    for (const value of [...ALL_SECRETS, ...keyBytes]) expect(text).not.toContain(value);
    const [json, summary, ...rest] = text.split(/\n(?=\d+ pools?:)/);
    expect(rest).toEqual([]);
    const printed = JSON.parse(json!);
    expect(printed.github).toMatchObject({
      privateKey: "[redacted]",
      webhookSecret: "[redacted]",
      clientSecret: "[redacted]",
    });
    expect(printed.bootstrap).toEqual({ keys: ["[redacted]", "[redacted]"] });
    expect(printed.dashboard).toMatchObject({ sessionKey: "[redacted]", token: "[redacted]" });
    expect(printed.aws.identityCertificate).toMatch(/^\[PEM certificate, \d+ bytes\]$/);
    expect(printed.pools).toHaveLength(3);
    expect(printed.publicUrl).toBe("https://mayfly.example.com");
    expect(summary).toBe(
      "3 pools: linux-small [self-hosted, linux, x64, mayfly-small] max 20 spot-then-on-demand, orgs acme; " +
        "linux-large [self-hosted, linux, x64, mayfly-large] max 10 on-demand, orgs acme; " +
        "arm-public [self-hosted, linux, arm64, mayfly-arm] max 5 spot, orgs acme",
    );
  });

  it("omits secrets that are not set rather than pretending they are", () => {
    const config = load(
      validEnv({
        NODE_ENV: "test",
        GITHUB_CLIENT_SECRET: undefined,
        MAYFLY_SESSION_KEY: undefined,
        GITHUB_CLIENT_ID: undefined,
        MAYFLY_BOOTSTRAP_KEY_PREVIOUS: undefined,
      }),
    );
    const printed = JSON.parse(describeConfig(config).split("\n1 pool: ")[0]!);
    expect(printed.github.clientSecret).toBeUndefined();
    expect(printed.dashboard).toEqual({ token: "[redacted]" });
    expect(printed.bootstrap.keys).toEqual(["[redacted]"]);
    expect(describeConfig(config)).toMatch(/\n1 pool: small \[linux, x64\] max 2 on-demand, orgs acme$/);
  });
});
