import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Writes `<dir>/results-<UTC timestamp>.json` (the folder is git-ignored) and returns its path. */
export function writeResults(dir: string, startedAt: Date, data: unknown): string {
  mkdirSync(dir, { recursive: true });
  const stamp = startedAt
    .toISOString()
    .replace(/:/g, "-")
    .replace(/\.\d+Z$/, "Z");
  const path = join(dir, `results-${stamp}.json`);
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}
