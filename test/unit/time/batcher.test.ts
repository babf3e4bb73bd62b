import { describe, expect, it } from "vitest";
import { Batcher } from "../../../src/time/batcher.js";
import { ManualTimers } from "../../helpers/manual-timers.js";

function setup(options: { maxSize?: number; windowMs?: number; spacingMs?: number; fail?: boolean } = {}) {
  const timers = new ManualTimers();
  const sent: Array<{ at: number; items: number[] }> = [];
  const batcher = new Batcher<number>({
    maxSize: options.maxSize ?? 10,
    windowMs: options.windowMs ?? 50,
    spacingMs: options.spacingMs ?? 0,
    timers,
    async send(items) {
      sent.push({ at: timers.now(), items });
      if (options.fail) throw new Error("boom");
    },
  });
  return { timers, sent, batcher, start: timers.now() };
}

describe("Batcher", () => {
  it("sends items that arrive together in one call, a window after the first", async () => {
    const { timers, sent, batcher, start } = setup();
    const settled = [batcher.add(1), batcher.add(2)];
    await timers.advance(49);
    expect(sent).toEqual([]);
    await timers.advance(1);
    await Promise.all(settled);
    expect(sent).toEqual([{ at: start + 50, items: [1, 2] }]);
  });

  it("sends at once when the batch is full, and the rest after the window", async () => {
    const { timers, sent, batcher, start } = setup({ maxSize: 2 });
    void batcher.add(1);
    void batcher.add(2);
    void batcher.add(3);
    expect(sent).toEqual([{ at: start, items: [1, 2] }]);
    await timers.advance(50);
    expect(sent.map((s) => s.items)).toEqual([[1, 2], [3]]);
  });

  it("while items keep coming, sends at most once per spacing", async () => {
    const { timers, sent, batcher, start } = setup({ spacingMs: 2_000 });
    void batcher.add(1);
    await timers.advance(50);
    void batcher.add(2);
    await timers.advance(100);
    void batcher.add(3);
    await timers.advance(2_000);
    expect(sent).toEqual([
      { at: start + 50, items: [1] },
      { at: start + 2_050, items: [2, 3] },
    ]);
  });

  it("rejects every add of a failed batch with the send's error", async () => {
    const { timers, batcher } = setup({ fail: true });
    const outcomes = [batcher.add(1), batcher.add(2)].map((p) =>
      p.then(
        () => "sent",
        (e: Error) => e.message,
      ),
    );
    await timers.advance(50);
    expect(await Promise.all(outcomes)).toEqual(["boom", "boom"]);
  });

  it("drain sends what is pending without waiting for the window", async () => {
    const { sent, batcher, timers } = setup();
    void batcher.add(7);
    await batcher.drain();
    expect(sent.map((s) => s.items)).toEqual([[7]]);
    expect(timers.pendingTimers).toBe(0);
    expect(batcher.pending).toBe(0);
  });
});
