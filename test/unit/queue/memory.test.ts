import { describe, expect, it } from "vitest";
import { createMemoryQueue } from "../../../src/queue/memory.js";

/** What the memory queue adds beyond the JobQueue contract (test/integration/queue/job-queue-contract.test.ts). */

const poll = { max: 10, waitSeconds: 0, visibilitySeconds: 10 };

describe("createMemoryQueue", () => {
  it("dead-letters a message received more than maxReceiveCount times, at receive time", async () => {
    let clock = 0;
    const queue = createMemoryQueue({ now: () => clock, maxReceiveCount: 2 });
    await queue.send([{ body: "poison", groupId: "g", dedupId: "p" }]);
    for (const count of [1, 2]) {
      expect((await queue.receive(poll)).map((m) => m.receiveCount)).toEqual([count]);
      clock += 11_000;
    }
    expect(await queue.receive(poll)).toEqual([]);
    expect(queue.deadLetters()).toEqual([
      {
        message: expect.objectContaining({ body: "poison", receiveCount: 2 }),
        reason: expect.stringContaining("maxReceiveCount (2)"),
      },
    ]);
    expect(queue.size()).toEqual({ visible: 0, inFlight: 0, deadLetters: 1 });
  });

  it("forgets a dedup id after 5 minutes", async () => {
    let clock = 0;
    const queue = createMemoryQueue({ now: () => clock });
    await queue.send([{ body: "a", groupId: "g", dedupId: "same" }]);
    clock += 4 * 60_000;
    await queue.send([{ body: "b", groupId: "g", dedupId: "same" }]);
    expect(queue.size().visible).toBe(1);
    clock += 61_000;
    await queue.send([{ body: "c", groupId: "g", dedupId: "same" }]);
    expect(queue.size().visible).toBe(2);
  });

  it("counts visible and in-flight messages", async () => {
    const queue = createMemoryQueue();
    await queue.send([
      { body: "1", groupId: "a", dedupId: "1" },
      { body: "2", groupId: "b", dedupId: "2" },
    ]);
    await queue.receive({ ...poll, max: 1 });
    expect(queue.size()).toEqual({ visible: 1, inFlight: 1, deadLetters: 0 });
  });

  it.each([
    ["an empty group id", { body: "x", groupId: "", dedupId: "d" }],
    ["a dedup id with spaces", { body: "x", groupId: "g", dedupId: "a b" }],
    ["an empty body", { body: "", groupId: "g", dedupId: "d" }],
  ])("refuses a message with %s, as SQS would", async (_what, message) => {
    const queue = createMemoryQueue();
    await expect(queue.send([message])).rejects.toThrow(/refused 1 of 1/);
    expect(queue.size().visible).toBe(0);
  });
});
