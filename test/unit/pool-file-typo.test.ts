import { describe, expect, it } from "vitest";
import { SANDBOX_POOLS_YAML } from "../../sandbox/sandbox-pools.js";
import { parsePoolFile } from "../../src/pool-file.js";

describe("an unknown key in the pool file", () => {
  it("names the key it most likely meant", () => {
    const text = SANDBOX_POOLS_YAML.replace("    maxRunners: 50", "    maxRunner: 50");
    const { problems } = parsePoolFile(text, "pools.yml");
    const typo = problems.find((p) => p.problem.includes("unknown key"));
    expect(typo?.fix).toContain("maxRunner → maxRunners?");
  });

  it("suggests nothing for a key unlike any", () => {
    const text = SANDBOX_POOLS_YAML.replace("    maxRunners: 50", "    maxRunners: 50\n    colour: blue");
    const typo = parsePoolFile(text, "pools.yml").problems.find((p) => p.problem.includes("unknown key"));
    expect(typo?.fix).toBe("remove or correct the key; mayfly.example.yml shows every key");
  });
});
