import { describe, expect, it } from "vitest";
import { instanceArchitecture, poolArchitectures } from "../../../src/domain/instance-architecture.js";
import { judgePoolImage, type PoolImageInput } from "../../../src/domain/judge-pool-image.js";

const AMI = "ami-0123456789abcdef0";
const base: PoolImageInput = {
  pool: "large",
  instanceTypes: ["m7i.large"],
  imageId: AMI,
  image: { state: "available", architecture: "x86_64" },
  region: "eu-west-1",
};

describe("instanceArchitecture", () => {
  it.each([
    ["m7i.large", "x86_64"],
    ["t3a.medium", "x86_64"],
    ["g5.xlarge", "x86_64"],
    ["m7i-flex.large", "x86_64"],
    ["c7g.large", "arm64"],
    ["c7gn.xlarge", "arm64"],
    ["t4g.small", "arm64"],
    ["x2gd.large", "arm64"],
    ["im4gn.large", "arm64"],
    ["g5g.xlarge", "arm64"],
    ["a1.large", "arm64"],
  ])("%s runs %s", (type, arch) => {
    expect(instanceArchitecture(type)).toBe(arch);
  });

  it("names every architecture a pool mixes", () => {
    expect(poolArchitectures(["c7g.large", "m7i.large", "t4g.small"])).toEqual(["arm64", "x86_64"]);
  });
});

describe("judgePoolImage", () => {
  it.each<[string, Partial<PoolImageInput>, string, string, string | undefined]>([
    ["an available image of the right architecture", {}, "ok", `${AMI}, x86_64, available`, undefined],
    [
      "a parameter's image",
      { parameter: "/mayfly/images/runner-standard-x64", parameterValue: AMI },
      "ok",
      `${AMI} (from /mayfly/images/runner-standard-x64), x86_64, available`,
      undefined,
    ],
    [
      "a pipeline parameter that does not exist yet",
      { parameter: "/mayfly/images/runner-standard-x64", parameterValue: undefined, imageId: undefined },
      "fail",
      "SSM parameter /mayfly/images/runner-standard-x64 does not exist in eu-west-1",
      "run the stack's image pipeline once",
    ],
    [
      "an own parameter that does not exist",
      { parameter: "/team/ami", parameterValue: undefined, imageId: undefined },
      "fail",
      "SSM parameter /team/ami does not exist in eu-west-1",
      "create the parameter with the AMI id",
    ],
    [
      "a parameter holding something else",
      { parameter: "/team/ami", parameterValue: "latest", imageId: "latest" },
      "fail",
      'SSM parameter /team/ami holds "latest", not an AMI id',
      "put an AMI id",
    ],
    [
      "an image that does not exist",
      { image: undefined },
      "fail",
      `${AMI} does not exist in eu-west-1, or this account may not use it`,
      "copy or build the image in this Region",
    ],
    [
      "a deregistered image",
      { image: { state: "deregistered", architecture: "x86_64" } },
      "fail",
      `${AMI} is deregistered; no instance can launch from it`,
      "point the pool at a current image",
    ],
    [
      "a deregistered image behind a parameter",
      {
        parameter: "/team/ami",
        parameterValue: AMI,
        image: { state: "deregistered", architecture: "x86_64" },
      },
      "fail",
      `${AMI} (from /team/ami) is deregistered; no instance can launch from it`,
      "write a current AMI id to /team/ami",
    ],
    [
      "an image still being created",
      { image: { state: "pending", architecture: "x86_64" } },
      "unknown",
      `${AMI} is still being created`,
      "look again in a few minutes",
    ],
    [
      "an x86_64 image for Graviton types",
      { instanceTypes: ["c7g.large"] },
      "fail",
      `${AMI} is built for x86_64, but c7g.large need arm64`,
      "use an arm64 image (image: { variant: standard, arch: arm64 })",
    ],
    [
      "instance types of both architectures",
      { instanceTypes: ["c7g.large", "m7i.large"] },
      "fail",
      "instance types c7g.large, m7i.large mix x86_64 and arm64; one image cannot boot both",
      "split the pool in two",
    ],
  ])("%s", (_, change, status, detail, fix) => {
    const judged = judgePoolImage({ ...base, ...change });
    expect(judged).toEqual({ status, detail, ...(fix ? { fix: expect.stringContaining(fix) } : {}) });
  });
});
