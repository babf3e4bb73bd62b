import { describe, expect, it } from "vitest";
import { clientAddress } from "../../../src/bootstrap/client-address.js";

describe("client address", () => {
  it.each([
    ["no trusted proxy: the socket", "10.0.0.9", "1.2.3.4", 0, "10.0.0.9"],
    ["behind one ALB: the entry it appended", "10.0.0.9", "1.2.3.4", 1, "1.2.3.4"],
    ["a forged entry before the ALB's is ignored", "10.0.0.9", "6.6.6.6, 1.2.3.4", 1, "1.2.3.4"],
    ["two proxies", "10.0.0.9", "6.6.6.6, 1.2.3.4, 10.0.1.1", 2, "1.2.3.4"],
    ["fewer entries than proxies: the socket", "10.0.0.9", "1.2.3.4", 2, "10.0.0.9"],
    ["no header: the socket", "10.0.0.9", undefined, 1, "10.0.0.9"],
    ["an absurd entry: the socket", "10.0.0.9", "x".repeat(100), 1, "10.0.0.9"],
  ])("%s", (_, socket, header, hops, expected) => {
    expect(clientAddress(socket, header, hops)).toBe(expected);
  });
});
