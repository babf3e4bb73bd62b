import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1] ?? "");
}

function escapes(folder: string): string[] {
  const root = path.join(repo, folder);
  return sources(root).flatMap((file) =>
    relativeImports(file)
      .map((spec) => path.resolve(path.dirname(file), spec))
      .filter((target) => !target.startsWith(root + path.sep))
      .map((target) => `${path.relative(repo, file)} -> ${path.relative(repo, target)}`),
  );
}

describe("package boundaries", () => {
  it("the emulators import nothing outside their own package", () => {
    expect(escapes("emulators/src")).toEqual([]);
  });

  it("the product imports neither the emulators nor the sandbox harness", () => {
    const offending = sources(path.join(repo, "src")).flatMap((file) =>
      relativeImports(file)
        .map((spec) => path.relative(repo, path.resolve(path.dirname(file), spec)))
        .filter((target) => target.startsWith("emulators/") || target.startsWith("sandbox/"))
        .map((target) => `${path.relative(repo, file)} -> ${target}`),
    );
    expect(offending).toEqual([]);
  });
});
