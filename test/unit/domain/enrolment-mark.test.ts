import { describe, expect, it } from "vitest";
import {
  checkReplacement,
  formatEnrolmentMark,
  laterMark,
  parseEnrolmentMark,
  planEnrolment,
} from "../../../src/domain/enrolment-mark.js";

const T = Date.UTC(2026, 10, 25, 12, 0, 0);
const issued = (attempt: number, at = T) => ({ state: "issued" as const, attempt, at });
const voided = (attempt: number, at = T) => ({ state: "void" as const, attempt, at });

describe("enrolment mark", () => {
  it("round-trips through the tag value, and refuses values it did not write", () => {
    expect(parseEnrolmentMark(formatEnrolmentMark(issued(2)))).toEqual(issued(2));
    expect(formatEnrolmentMark(voided(1))).toBe("void/1/2026-11-25T12:00:00.000Z");
    expect(parseEnrolmentMark(undefined)).toBeUndefined();
    for (const bad of [
      "",
      "yes",
      "issued/0/2026-11-25T12:00:00Z",
      "issued/1/today",
      "done/1/2026-11-25T12:00:00Z",
    ])
      expect(parseEnrolmentMark(bad)).toBe("unreadable");
  });

  it.each([
    ["no earlier attempt", undefined, { step: "issue", attempt: 1 }],
    ["one issued", issued(1), { step: "replace-unconnected", attempt: 2 }],
    ["two issued (the limit)", issued(2), { step: "refuse", reason: "already-enrolled" }],
    ["a void first attempt (it does not count)", voided(1), { step: "replace-unconnected", attempt: 1 }],
    ["a void second attempt", voided(2), { step: "replace-unconnected", attempt: 2 }],
  ])("plans %s", (_, mark, plan) => {
    expect(planEnrolment(mark, 2)).toMatchObject(plan);
  });

  it.each([
    [
      "an offline idle runner (the lost answer's)",
      { id: 5, status: "offline", busy: false },
      "issued",
      { replace: true, runnerId: 5 },
    ],
    [
      "an online runner (it connected)",
      { id: 5, status: "online", busy: false },
      "issued",
      { replace: false, reason: "replayed" },
    ],
    [
      "a busy runner",
      { id: 5, status: "offline", busy: true },
      "issued",
      { replace: false, reason: "replayed" },
    ],
    [
      "no runner after an issued attempt (it ran its job)",
      undefined,
      "issued",
      { replace: false, reason: "already-enrolled" },
    ],
    ["no runner after a void attempt", undefined, "void", { replace: true }],
  ] as const)("decides over %s", (_, runner, state, decision) => {
    expect(checkReplacement(runner, state)).toMatchObject(decision);
  });

  it("takes the later attempt of two views, and this replica's write on a tie", () => {
    expect(laterMark(issued(1), issued(2))).toEqual(issued(2));
    expect(laterMark(voided(1, T), issued(1, T + 1))).toEqual(issued(1, T + 1));
    expect(laterMark(undefined, issued(1))).toEqual(issued(1));
    expect(laterMark(undefined, undefined)).toBeUndefined();
  });
});
