import { poolArchitectures } from "./instance-architecture.js";

/**
 * Whether a pool's image can launch its instances: the SSM parameter (if any) exists and names an AMI,
 * the AMI exists and is available, and it is built for the pool's instance types' architecture.
 * Pure: the lookups are done by the caller (src/setup/check-pool-images.ts).
 */
export interface ImageFacts {
  state: string;
  architecture: string;
}

export interface PoolImageInput {
  pool: string;
  instanceTypes: readonly string[];
  /** The SSM parameter the pool names, if it names one. */
  parameter?: string;
  /** The parameter's value: undefined when the parameter does not exist. */
  parameterValue?: string;
  /** The AMI id (the pool's own, or the parameter's value). */
  imageId?: string;
  /** What DescribeImages said: undefined when the image does not exist or is not visible. */
  image?: ImageFacts;
  region: string;
}

export interface ImageJudgement {
  status: "ok" | "fail" | "unknown";
  detail: string;
  fix?: string;
}

const AMI = /^ami-[0-9a-f]{8,17}$/;

export function judgePoolImage(input: PoolImageInput): ImageJudgement {
  const { parameter, imageId, image, region } = input;
  const via = parameter ? ` (from ${parameter})` : "";
  if (parameter && input.parameterValue === undefined) {
    return {
      status: "fail",
      detail: `SSM parameter ${parameter} does not exist in ${region}`,
      fix: parameter.startsWith("/mayfly/images/")
        ? "run the stack's image pipeline once (docs/runner-image.md), or set the pool's image to an AMI id"
        : "create the parameter with the AMI id, or point the pool at one that exists",
    };
  }
  if (!imageId || !AMI.test(imageId)) {
    return {
      status: "fail",
      detail: `SSM parameter ${parameter} holds ${JSON.stringify(imageId)}, not an AMI id`,
      fix: "put an AMI id (ami-…) in the parameter",
    };
  }
  if (!image) {
    return {
      status: "fail",
      detail: `${imageId}${via} does not exist in ${region}, or this account may not use it`,
      fix: "copy or build the image in this Region and account, or set the pool's image to one that exists",
    };
  }
  if (image.state === "pending") {
    return {
      status: "unknown",
      detail: `${imageId}${via} is still being created`,
      fix: "look again in a few minutes",
    };
  }
  if (image.state !== "available") {
    return {
      status: "fail",
      detail: `${imageId}${via} is ${image.state}; no instance can launch from it`,
      fix: parameter
        ? `write a current AMI id to ${parameter} (the image pipeline does on its next run)`
        : "point the pool at a current image, e.g. image: { variant: standard }, which follows the pipeline",
    };
  }
  const needed = poolArchitectures(input.instanceTypes);
  if (needed.length > 1) {
    return {
      status: "fail",
      detail: `instance types ${input.instanceTypes.join(", ")} mix x86_64 and arm64; one image cannot boot both`,
      fix: "split the pool in two, one per architecture, each with its own image",
    };
  }
  if (needed[0] !== image.architecture) {
    return {
      status: "fail",
      detail: `${imageId}${via} is built for ${image.architecture}, but ${input.instanceTypes.join(", ")} need ${needed[0]}`,
      fix: `use an ${needed[0]} image (image: { variant: standard, arch: ${needed[0] === "arm64" ? "arm64" : "x64"} }), or ${image.architecture} instance types`,
    };
  }
  return { status: "ok", detail: `${imageId}${via}, ${image.architecture}, available` };
}
