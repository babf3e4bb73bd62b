import { randomBytes } from "node:crypto";

/**
 * Identifiers shaped like GitHub's: large numeric ids (below 2^53, so Octokit's JSON parser keeps them
 * `number`), tokens with GitHub's prefixes, and legacy node ids (base64 of "<len>:<Type><id>",
 * e.g. "MDQ6VXNlcjE=" for User 1).
 */

export class IdSource {
  #next: number;

  constructor(start: number) {
    this.#next = start;
  }

  next(): number {
    return this.#next++;
  }

  /** Reserves an id chosen by the caller so later ids don't collide with it. */
  claim(id: number): number {
    if (id >= this.#next) this.#next = id + 1;
    return id;
  }
}

const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function randomBase62(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += BASE62[byte % BASE62.length];
  return out;
}

/** `ghs_` installation tokens, `ghu_` user tokens, `ghr_` refresh tokens: prefix + 36 characters. */
export function githubToken(prefix: "ghs" | "ghu" | "ghr"): string {
  return `${prefix}_${randomBase62(36)}`;
}

export function nodeId(type: string, id: number): string {
  return Buffer.from(`${String(type.length).padStart(2, "0")}:${type}${id}`).toString("base64");
}

export function hex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

/** GitHub timestamps have whole seconds: "2021-05-12T20:33:44Z". */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
