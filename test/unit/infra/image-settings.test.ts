import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readImageSettings } from "../../../infra/lib/image-settings.js";
import { runnerPins, templateDefault } from "../../../infra/lib/runner-pins.js";
import { ConfigError, type ConfigProblem } from "../../../src/errors.js";
import { ROOT } from "./fixtures.js";

const TEMPLATE = readFileSync(`${ROOT}/infra/runner/runner.pkr.hcl`, "utf8");

function settings(context: Record<string, string>) {
  const problems: ConfigProblem[] = [];
  const text = (key: string) => context[`mayfly:${key}`];
  const list = (key: string) =>
    text(key)
      ?.split(",")
      .map((s) => s.trim());
  const result = readImageSettings({ text, list, appSubnetIds: ["subnet-0a1b2c3d4e5f60001"], problems });
  return { result, problems: problems.map((p) => `${p.key}: ${p.problem}`) };
}

describe("runner pins", () => {
  it("are the Packer template's defaults, so Packer and the pipeline build the same runner", () => {
    const pins = runnerPins(TEMPLATE);
    expect(pins.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(TEMPLATE).toContain(`default = "${pins.sha256.x64}"`);
    expect(TEMPLATE).toContain(`default = "${pins.sha256.arm64}"`);
    expect(templateDefault(TEMPLATE, "buildx_version")).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([
    [
      "a missing version",
      TEMPLATE.replace(/variable "runner_version"/, 'variable "other"'),
      "runner_version",
    ],
    [
      "a short checksum",
      TEMPLATE.replace(/default = "[0-9a-f]{64}"/, 'default = "abc"'),
      "runner_sha256_x64",
    ],
  ])("refuse a template with %s, naming the variable", (_, template, name) => {
    expect(() => runnerPins(template)).toThrow(ConfigError);
    expect(() => runnerPins(template)).toThrow(new RegExp(`runner\\.pkr\\.hcl:${name}`));
  });
});

describe("image pipeline settings", () => {
  it("default to both variants, both architectures, weekly, keeping 3, in the first app subnet", () => {
    const { result, problems } = settings({});
    expect(problems).toEqual([]);
    expect(result).toMatchObject({
      variants: ["minimal", "standard"],
      arches: ["x64", "arm64"],
      schedule: "cron(0 4 ? * mon *)",
      keep: 3,
      subnetId: "subnet-0a1b2c3d4e5f60001",
      buildx: { sha256: { x64: "", arm64: "" } },
    });
  });

  it("read every setting", () => {
    const { result, problems } = settings({
      "mayfly:imageVariants": "standard",
      "mayfly:imageArches": "arm64",
      "mayfly:imageSchedule": "cron(0 2 * * ? *)",
      "mayfly:imageKeep": "5",
      "mayfly:imageBuildSubnet": "subnet-0a1b2c3d4e5f69999",
      "mayfly:buildxSha256Arm64": "c".repeat(64),
    });
    expect(problems).toEqual([]);
    expect(result).toMatchObject({
      variants: ["standard"],
      arches: ["arm64"],
      keep: 5,
      subnetId: "subnet-0a1b2c3d4e5f69999",
      buildx: { sha256: { arm64: "c".repeat(64) } },
    });
  });

  it.each([["false"], ["no"], ["0"]])("mayfly:imagePipeline=%s leaves the pipeline out", (value) => {
    expect(settings({ "mayfly:imagePipeline": value }).result).toBeUndefined();
  });

  it.each([
    [{ "mayfly:imageVariants": "full" }, "mayfly:imageVariants: is full"],
    [{ "mayfly:imageArches": "amd64" }, "mayfly:imageArches: is amd64"],
    [{ "mayfly:imageKeep": "0" }, "mayfly:imageKeep: is 0"],
    [{ "mayfly:imageSchedule": "weekly" }, "mayfly:imageSchedule: is weekly"],
    [{ "mayfly:buildxSha256X64": "abc" }, "mayfly:buildxSha256X64: is not a SHA-256"],
  ])("refuses %o", (context, problem) => {
    expect(settings(context).problems).toEqual([problem]);
  });
});
