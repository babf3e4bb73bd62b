import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { parsePoolFile, poolWarnings } from "../../src/pool-file.js";
import { MINIMAL_POOLS } from "../fixtures/config/config-env.js";

/** The pool file's image variants and the IMDS opt-out (issue 16; docs/runner-image.md). */
const withPool = (fields: Record<string, unknown>): string => {
  const doc = parse(MINIMAL_POOLS) as { pools: Record<string, unknown>[] };
  Object.assign(doc.pools[0]!, fields);
  return stringify(doc);
};
const parsed = (fields: Record<string, unknown>) => parsePoolFile(withPool(fields), "pools.yml");

describe("pool image variants", () => {
  it.each([
    [{ variant: "standard" }, "/mayfly/images/runner-standard-x64"],
    [{ variant: "standard", arch: "arm64" }, "/mayfly/images/runner-standard-arm64"],
    [{ variant: "minimal", arch: "x64" }, "/mayfly/images/runner-minimal-x64"],
    [{ variant: "minimal", arch: "arm64" }, "/mayfly/images/runner-minimal-arm64"],
  ])("%o launches from the pipeline's parameter %s", (image, parameter) => {
    expect(parsed({ image }).file?.pools[0]?.image).toEqual({ ssmParameter: parameter });
  });

  // zod reports a union's failure at the union: the key is `image`, and the fix names every form.
  it.each([
    [{ variant: "full" }],
    [{ variant: "standard", arch: "amd64" }],
    [{ variant: "standard", ssmParameter: "/x" }],
  ])("refuses %o and names the forms", (image) => {
    const { file, problems } = parsed({ image });
    expect(file).toBeUndefined();
    expect(problems).toEqual([
      expect.objectContaining({
        key: 'pools.yml: pool "small": image',
        fix: expect.stringContaining("variant: standard"),
      }),
    ]);
  });
});

describe("jobImds", () => {
  it("is absent by default (blocked) and gives no warning", () => {
    const { file } = parsed({});
    expect(file?.pools[0]?.jobImds).toBeUndefined();
    expect(poolWarnings(file!.pools)).toEqual([]);
  });

  it("`allow` is kept and warned about, naming the pool", () => {
    const { file } = parsed({ jobImds: "allow" });
    expect(file?.pools[0]?.jobImds).toBe("allow");
    expect(poolWarnings(file!.pools)).toEqual([
      expect.stringMatching(/^pool \S+: jobImds: allow lets its jobs/),
    ]);
  });

  it.each([["open"], [true]])("refuses jobImds: %s", (jobImds) => {
    expect(parsed({ jobImds }).problems).toContainEqual(
      expect.objectContaining({
        key: 'pools.yml: pool "small": jobImds',
        fix: "use block (the default) or allow",
      }),
    );
  });
});
