import { describe, expect, it } from "vitest";
import { chunkMessages } from "../../../src/queue/chunk-messages.js";

const message = (body: string, i: number) => ({ body, groupId: "g", dedupId: `d${i}` });

describe("chunkMessages", () => {
  it.each([
    [0, []],
    [1, [1]],
    [10, [10]],
    [11, [10, 1]],
    [25, [10, 10, 5]],
  ])("splits %i messages into batches of at most 10: %j", (count, sizes) => {
    const messages = Array.from({ length: count }, (_, i) => message("x", i));
    const chunks = chunkMessages(messages);
    expect(chunks.map((c) => c.length)).toEqual(sizes);
    expect(chunks.flat()).toEqual(messages);
  });

  it("starts a new batch before the bodies pass the byte limit", () => {
    const messages = [message("a".repeat(600), 0), message("b".repeat(500), 1), message("c".repeat(400), 2)];
    expect(chunkMessages(messages, { entries: 10, bytes: 1000 }).map((c) => c.length)).toEqual([1, 2]);
  });

  it("sends an oversized message alone (SQS will name it)", () => {
    const messages = [message("a".repeat(2000), 0), message("b", 1)];
    expect(chunkMessages(messages, { entries: 10, bytes: 1000 }).map((c) => c.length)).toEqual([1, 1]);
  });
});
