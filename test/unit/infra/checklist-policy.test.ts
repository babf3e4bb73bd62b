import { describe, expect, it } from "vitest";
import { asList, exampleStack, policyStatements } from "./fixtures.js";

/**
 * The setup checklist's image check (src/aws/image-lookup.ts) calls ec2:DescribeImages and
 * ssm:GetParameters; the app's role may do exactly that, the parameter reads only on the pools' own.
 */
const { template } = exampleStack();
const fleet = policyStatements(template, "RunnersFleetAccess");
const allowing = (action: string) =>
  fleet.filter((s) => s.Effect === "Allow" && asList(s.Action).some((a) => a === action || a === "*"));

describe("the checklist's image lookups in the app's policy", () => {
  it("may describe images, in one statement that grants nothing else", () => {
    expect(allowing("ec2:DescribeImages").map((s) => [s.Sid, s.Action, s.Resource, s.Condition])).toEqual([
      ["DescribePoolImages", "ec2:DescribeImages", "*", undefined],
    ]);
  });

  it("reads SSM parameters only by name, only the pools' image parameters", () => {
    const reads = fleet.filter(
      (s) => s.Effect === "Allow" && asList(s.Action).some((a) => String(a).startsWith("ssm:")),
    );
    expect(reads.map((s) => s.Action)).toEqual(["ssm:GetParameters"]);
    const arns = JSON.stringify(reads[0]?.Resource);
    expect(arns).toContain(":parameter/mayfly/images/runner-standard-x64");
    expect(arns).not.toContain("parameter/*");
    expect(asList(reads[0]?.Resource)).toHaveLength(2);
  });
});
