import { describe, expect, it } from "vitest";
import { createIdentityPicker } from "../../../src/github/identity-picker.js";

describe("createIdentityPicker", () => {
  it("takes identities in turn while they are equally busy", () => {
    const picker = createIdentityPicker(["a", "b", "c"]);
    const picks = Array.from({ length: 6 }, () => picker.acquire()!);
    expect(picks.map((p) => p.item)).toEqual(["a", "b", "c", "a", "b", "c"]);
    expect(picker.inFlight()).toEqual([2, 2, 2]);
  });

  it("gives the next call to the identity with the fewest calls in flight", () => {
    const picker = createIdentityPicker(["a", "b"]);
    const a1 = picker.acquire()!;
    const b1 = picker.acquire()!;
    picker.acquire(); // a again
    b1.release(); // b's call came back, a's are still waiting (slowed or throttled)
    expect([picker.acquire()!.item, picker.acquire()!.item]).toEqual(["b", "b"]);
    a1.release();
    a1.release(); // releasing twice counts once
    expect(picker.inFlight()).toEqual([1, 2]);
  });

  it("skips identities the caller rules out, and says when none is left", () => {
    const picker = createIdentityPicker(["a", "b"]);
    expect(picker.acquire(new Set([0]))!.item).toBe("b");
    expect(picker.acquire(new Set([0, 1]))).toBeUndefined();
  });
});
