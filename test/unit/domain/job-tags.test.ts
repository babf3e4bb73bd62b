import { describe, expect, it } from "vitest";
import { jobsOf, jobTags } from "../../../src/domain/job-tags.js";

describe("job tags", () => {
  it.each([
    ["one job", [42], { "mayfly:jobs": "42" }],
    ["several, sorted, once each", [30, 7, 30], { "mayfly:jobs": "7 30" }],
    ["none", [], {}],
  ])("%s", (_, ids, tags) => {
    expect(jobTags(ids)).toEqual(tags);
    expect(jobsOf(tags).sort((a, b) => a - b)).toEqual([...new Set(ids)].sort((a, b) => a - b));
  });

  it("splits a batch's ids over several keys, none longer than EC2's 256 characters", () => {
    const ids = Array.from({ length: 100 }, (_, i) => 30_000_000_000 + i);
    const tags = jobTags(ids);
    expect(Object.keys(tags).length).toBeGreaterThan(1);
    // With Mayfly's five other tags, well under EC2's 50 per resource.
    expect(Object.keys(tags).length + 5).toBeLessThanOrEqual(50);
    for (const value of Object.values(tags)) expect(value.length).toBeLessThanOrEqual(256);
    expect(jobsOf(tags).sort((a, b) => a - b)).toEqual(ids);
  });

  it("ignores other tags and malformed parts", () => {
    expect(jobsOf({ "mayfly:pool": "7", "mayfly:jobs": "5 x -1 6", "mayfly:jobs:2": "8" })).toEqual([
      5, 6, 8,
    ]);
  });
});
