import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ConfigProblem } from "../../src/errors.js";
import {
  IMAGE_ARCHES,
  IMAGE_VARIANTS,
  type ImageArch,
  type ImagePipelineProps,
  type ImageVariant,
} from "./image-pipeline.js";
import { runnerPins, templateDefault } from "./runner-pins.js";

export type ImagePipelineSettings = Omit<ImagePipelineProps, "vpc">;

export interface ImageSettingsInput {
  text: (key: string) => string | undefined;
  list: (key: string) => string[] | undefined;
  appSubnetIds: string[];
  problems: ConfigProblem[];
}

const SHA256 = /^[0-9a-f]{64}$/;
/** The image's sources ship with this code (they are not deployment input): read beside it. */
const RUNNER_DIR = fileURLToPath(new URL("../runner", import.meta.url));
const TEMPLATE = readFileSync(`${RUNNER_DIR}/runner.pkr.hcl`, "utf8");

/**
 * The image pipeline's settings (`-c mayfly:image…`, docs/deploy.md). On by default, so images are
 * rebuilt without anyone remembering; `mayfly:imagePipeline=false` leaves it out (another stack in the
 * account and region builds them: the SSM parameters are per account and region, not per stack).
 */
export function readImageSettings(input: ImageSettingsInput): ImagePipelineSettings | undefined {
  const { text, list, problems } = input;
  if (["false", "0", "no"].includes(text("imagePipeline")?.toLowerCase() ?? "")) return undefined;
  const pick = <T extends string>(key: string, allowed: readonly T[], fallback: readonly T[]): T[] => {
    const values = list(key) ?? [...fallback];
    const bad = values.filter((v) => !(allowed as readonly string[]).includes(v));
    if (bad.length > 0 || values.length === 0)
      problems.push({
        key: `mayfly:${key}`,
        problem: `is ${values.join(",") || "empty"}`,
        fix: `a list of ${allowed.join(", ")}`,
      });
    return values as T[];
  };
  const variants = pick<ImageVariant>("imageVariants", IMAGE_VARIANTS, IMAGE_VARIANTS);
  const arches = pick<ImageArch>("imageArches", IMAGE_ARCHES, IMAGE_ARCHES);
  const keep = Number(text("imageKeep") ?? "3");
  if (!Number.isInteger(keep) || keep < 1 || keep > 100)
    problems.push({
      key: "mayfly:imageKeep",
      problem: `is ${text("imageKeep")}`,
      fix: "how many images to keep, 1 to 100",
    });
  const schedule = text("imageSchedule") ?? "cron(0 4 ? * mon *)";
  if (!/^cron\(.+\)$/.test(schedule))
    problems.push({
      key: "mayfly:imageSchedule",
      problem: `is ${schedule}`,
      fix: "an Image Builder cron, e.g. cron(0 4 ? * mon *)",
    });
  const subnetId = text("imageBuildSubnet") ?? input.appSubnetIds[0] ?? "";
  // buildx has no checksum default (none was compared with a release here): without one, the standard
  // image has no buildx, and docker/setup-buildx-action installs it in the job.
  const buildxSha = (key: string) => {
    const value = text(key) ?? "";
    if (value !== "" && !SHA256.test(value))
      problems.push({
        key: `mayfly:${key}`,
        problem: "is not a SHA-256",
        fix: "the release's checksums.txt value (github.com/docker/buildx/releases)",
      });
    return value;
  };
  let runner: ImagePipelineProps["runner"] = { version: "", sha256: { x64: "", arm64: "" } };
  try {
    runner = runnerPins(TEMPLATE);
  } catch (error) {
    problems.push(...((error as { problems?: ConfigProblem[] }).problems ?? []));
  }
  return {
    subnetId,
    runnerDir: RUNNER_DIR,
    runner,
    buildx: {
      version: text("buildxVersion") ?? templateDefault(TEMPLATE, "buildx_version") ?? "",
      sha256: { x64: buildxSha("buildxSha256X64"), arm64: buildxSha("buildxSha256Arm64") },
    },
    variants,
    arches,
    schedule,
    keep,
  };
}
