import { Template } from "aws-cdk-lib/assertions";
import * as iam from "aws-cdk-lib/aws-iam";
import { describe, expect, it } from "vitest";
import { RunnerLaunchTemplates } from "../../../infra/lib/runner-launch-templates.js";
import { WARM_NEVER_MODIFIED } from "../../../infra/lib/warm-policy.js";
import { asList, bareStack, bySid, ec2Arn, policyStatements, pools, type Statement } from "./fixtures.js";

/** The warm capacity grants (ADR 0014): only when a pool has `warm`, only on this deployment's instances. */
function fleetStatements(warm: boolean): Statement[] {
  const { stack, vpc } = bareStack();
  const runners = new RunnerLaunchTemplates(stack, "Runners", {
    vpc,
    templatePrefix: "T-",
    pools: pools(`
  - name: linux
    labels: [a]
    instanceTypes: [m7i.large]
    image: ami-0123456789abcdef0
    subnets: [subnet-00000000000000001]
    securityGroups: [sg-00000000000000001]
    maxRunners: 4
${warm ? "    warm: { hot: 1, stopped: 2 }\n" : ""}`).pools,
  });
  runners.grantFleetAccess(
    new iam.Role(stack, "App", { assumedBy: new iam.ServicePrincipal("ecs-tasks.amazonaws.com") }),
    "Test",
  );
  return policyStatements(Template.fromStack(stack), "RunnersFleetAccess");
}

const WARM_ACTIONS = [
  "ec2:DeleteTags",
  "ec2:ModifyInstanceAttribute",
  "ec2:StartInstances",
  "ec2:StopInstances",
];
const ours = { StringEquals: { "aws:ResourceTag/mayfly:managed-by": "Test" } };
const allowsOf = (statements: Statement[]) =>
  statements.filter((s) => s.Effect === "Allow").flatMap((s) => asList(s.Action) as string[]);

describe("warm capacity grants", () => {
  const statements = fleetStatements(true);

  it("starts only this deployment's instances, and never stops any (nothing calls StopInstances)", () => {
    expect(bySid(statements, "WarmStartOwnInstances")).toEqual({
      Sid: "WarmStartOwnInstances",
      Effect: "Allow",
      Action: "ec2:StartInstances",
      Resource: ec2Arn("instance/*"),
      Condition: ours,
    });
    expect(allowsOf(statements)).not.toContain("ec2:StopInstances");
  });

  it("tags a claimed instance with its job: only mayfly:jobs, only where it has none yet", () => {
    expect(bySid(statements, "WarmTagClaimedInstances")).toEqual({
      Sid: "WarmTagClaimedInstances",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: ec2Arn("instance/*"),
      Condition: {
        ...ours,
        "ForAllValues:StringEquals": { "aws:TagKeys": ["mayfly:jobs"] },
        Null: { "aws:RequestTag/mayfly:jobs": "false", "aws:ResourceTag/mayfly:jobs": "true" },
      },
    });
  });

  // The claim's calls, as test/integration/lifecycle/warm-capacity.test.ts records them over the emulator:
  // tags written after launch are one key per call, and only these; only mayfly:warm is ever removed.
  it("writes after launch only the keys the code writes, and removes only mayfly:warm", () => {
    const allowing = (action: string) =>
      statements.filter((s) => s.Effect === "Allow" && asList(s.Action).includes(action));
    const keysOf = (s: Statement) => {
      const c = s.Condition as Record<string, Record<string, unknown>>;
      return asList(c["ForAllValues:StringEquals"]?.["aws:TagKeys"]) as string[];
    };
    const afterLaunch = allowing("ec2:CreateTags").filter((s) => {
      const c = s.Condition as Record<string, Record<string, unknown>>;
      if (c.StringEquals?.["ec2:CreateAction"] === "RunInstances") return false;
      expect(c.StringEquals?.["aws:ResourceTag/mayfly:managed-by"]).toBe("Test");
      expect(s.Resource).toEqual(ec2Arn("instance/*"));
      const keys = keysOf(s);
      expect(keys).toHaveLength(1);
      expect(c.Null?.[`aws:RequestTag/${keys[0]}`]).toBe("false");
      return true;
    });
    expect(afterLaunch.flatMap(keysOf).sort()).toEqual([
      "mayfly:enrolled",
      "mayfly:interrupted",
      "mayfly:jobs",
      "mayfly:taken",
    ]);
    expect(allowing("ec2:DeleteTags").flatMap(keysOf)).toEqual(["mayfly:warm"]);
    expect(allowing("ec2:DeleteTags")).toHaveLength(1);
  });

  it("modifies only this deployment's instances", () => {
    expect(bySid(statements, "WarmModifyOwnInstances")).toEqual({
      Sid: "WarmModifyOwnInstances",
      Effect: "Allow",
      Action: "ec2:ModifyInstanceAttribute",
      Resource: ec2Arn("instance/*"),
      Condition: ours,
    });
  });

  it("denies every attribute the app never sets whenever EC2 names it, and not user data or shutdown", () => {
    const denies = statements.filter(
      (s) => s.Effect === "Deny" && asList(s.Action).includes("ec2:ModifyInstanceAttribute"),
    );
    const named = denies.flatMap((s) => Object.keys((s.Condition as { Null: object }).Null));
    expect(named.sort()).toEqual(WARM_NEVER_MODIFIED.map((a) => `ec2:Attribute/${a}`).sort());
    for (const deny of denies) {
      expect(deny.Resource).toBe("*");
      expect(Object.values((deny.Condition as { Null: object }).Null)).toEqual(["false"]);
    }
    expect(named).not.toContain("ec2:Attribute/UserData");
    expect(named).not.toContain("ec2:Attribute/InstanceInitiatedShutdownBehavior");
    expect(WARM_NEVER_MODIFIED).toEqual(
      expect.arrayContaining(["InstanceType", "GroupId", "DisableApiTermination"]),
    );
  });

  it("removes only the mayfly:warm tag, only from this deployment's instances, and never every tag", () => {
    expect(bySid(statements, "WarmUntagOwnInstances")).toEqual({
      Sid: "WarmUntagOwnInstances",
      Effect: "Allow",
      Action: "ec2:DeleteTags",
      Resource: ec2Arn("instance/*"),
      Condition: {
        ...ours,
        "ForAllValues:StringEquals": { "aws:TagKeys": ["mayfly:warm"] },
        // Without this, a DeleteTags naming no tag (which deletes all of them) would pass ForAllValues.
        Null: { "aws:TagKeys": "false" },
      },
    });
  });

  it("grants no warm action on anything but instances, and none unconditioned", () => {
    for (const s of statements.filter(
      (s) => s.Effect === "Allow" && asList(s.Action).some((a) => WARM_ACTIONS.includes(a as string)),
    )) {
      expect(s.Resource).toEqual(ec2Arn("instance/*"));
      expect(s.Condition).toMatchObject(ours);
    }
  });

  it("keeps the policy within IAM's inline size limit (10,240 characters)", () => {
    expect(JSON.stringify(statements).length).toBeLessThan(10_240);
  });
});

describe("a deployment without warm pools", () => {
  it("gets none of the warm grants", () => {
    const statements = fleetStatements(false);
    expect(allowsOf(statements).filter((a) => WARM_ACTIONS.includes(a))).toEqual([]);
    expect(statements.some((s) => s.Sid?.startsWith("Warm") || s.Sid?.startsWith("DenyWarm"))).toBe(false);
  });
});
