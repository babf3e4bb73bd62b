import fc from "fast-check";

/** Inputs the fuzz tests share. */

/** Header values fetch accepts: visible ASCII, possibly empty. */
export const headerValue = fc.stringMatching(/^[\x21-\x7e]{0,60}$/);

/** Text that is not JSON (random characters with a leading non-JSON character). */
export const notJson = fc.string({ unit: "binary", maxLength: 300 }).map((s) => `~${s}`);

/** JSON nested `depth` levels, as arrays or objects. */
export const deepJson = fc
  .record({ depth: fc.integer({ min: 100, max: 20_000 }), object: fc.boolean() })
  .map(({ depth, object }) =>
    object ? `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}` : `${"[".repeat(depth)}${"]".repeat(depth)}`,
  );

/** Any JSON document, shallow or deep. */
export const anyJson = fc.oneof(fc.json({ maxDepth: 4 }), deepJson);

/** Every path to a leaf or branch of a plain JSON object. */
export function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (!value || typeof value !== "object" || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => [
    [...prefix, key],
    ...pathsOf(child, [...prefix, key]),
  ]);
}

/** A copy of `base` with values set (or, for undefined, removed) at the given paths. */
export function mutate<T>(base: T, edits: readonly { path: readonly string[]; value: unknown }[]): T {
  const copy = structuredClone(base) as Record<string, unknown>;
  for (const { path, value } of edits) {
    let node: Record<string, unknown> = copy;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (!next || typeof next !== "object") break;
      node = next as Record<string, unknown>;
    }
    const last = path[path.length - 1]!;
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
  return copy as T;
}

/** Random edits to `base`: existing paths or new keys, set to random JSON or removed. */
export function edits(base: unknown) {
  const paths = pathsOf(base);
  const path = fc.oneof(
    fc.constantFrom(...paths),
    fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 3 }),
  );
  const value = fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined });
  return fc.array(fc.record({ path, value }), { minLength: 1, maxLength: 4 });
}
