import { describe, expect, it } from "vitest";
import { nearestKey } from "../../../src/domain/nearest-key.js";

const KEYS = ["subnets", "securityGroups", "maxRunners", "instanceTypes", "labels", "allow", "orgs"];

describe("nearestKey", () => {
  it.each([
    ["subnet", "subnets"],
    ["maxRunner", "maxRunners"],
    ["securitygroups", "securityGroups"],
    ["instance_types", "instanceTypes"],
    ["lables", "labels"],
    ["org", "orgs"],
    ["colour", undefined],
    ["x", undefined],
  ])("%s → %s", (word, expected) => {
    expect(nearestKey(word, KEYS)).toBe(expected);
  });
});
