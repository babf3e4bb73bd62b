import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { ConfigError } from "../../src/errors.js";
import {
  filesReader,
  MINIMAL_POOLS,
  POOLS_PATH,
  PRIVATE_KEY,
  validEnv,
} from "../fixtures/config/config-env.js";

/** The App identities list, the org's registration limit and the replica count (issue 15). */
const load = (env: Record<string, string | undefined>, files: Record<string, string> = {}) =>
  loadConfig({ env: validEnv(env), readFile: filesReader({ [POOLS_PATH]: MINIMAL_POOLS, ...files }) });

describe("loadConfig: App identities and replicas", () => {
  it("defaults to the default App alone, GitHub's registration limit and one replica", () => {
    const config = load({});
    expect(config.github.extraApps).toEqual([]);
    expect(config.github.registrationsPer5Minutes).toBe(1500);
    expect(config.github.writePointsPerMinute).toBe(875);
    expect(config.replicas).toBe(1);
  });

  it("reads the extra Apps from GITHUB_APPS_FILE", () => {
    const config = load(
      { GITHUB_APPS_FILE: "/etc/mayfly/apps.json", MAYFLY_REPLICAS: "3" },
      {
        "/etc/mayfly/apps.json": JSON.stringify([{ appId: 77, privateKeyPath: "/etc/mayfly/app-77.pem" }]),
        "/etc/mayfly/app-77.pem": PRIVATE_KEY,
      },
    );
    expect(config.github.extraApps).toEqual([{ appId: 77, privateKey: PRIVATE_KEY }]);
    expect(config.replicas).toBe(3);
  });

  it("lists a bad apps file with the other problems, by entry", () => {
    const error = (() => {
      try {
        load(
          { GITHUB_APPS_FILE: "/apps.json", MAYFLY_REPLICAS: "0" },
          { "/apps.json": JSON.stringify([{ appId: 77 }]) },
        );
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const keys = (error as ConfigError).problems.map((p) => p.key);
    expect(keys).toEqual(expect.arrayContaining(["GITHUB_APPS_FILE.0", "MAYFLY_REPLICAS"]));
  });
});
