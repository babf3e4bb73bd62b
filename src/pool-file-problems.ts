import type { z } from "zod";
import { nearestKey } from "./domain/nearest-key.js";
import type { ConfigProblem } from "./errors.js";
import { POOL_FIXES } from "./pool-fixes.js";
import { describeExpected, schemaAt, showValue } from "./schema-words.js";

/**
 * zod's issues for the pool file, worded for the admin who wrote it: a pool is named by its `name`
 * (`pools.yml: pool "large": maxRunners`), a type error says what the key takes and what it got
 * (`must be a whole number from 1 to 10000, got "ten"`), and a typo gets the nearest key or value.
 */
export function poolFileProblems(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  source: string,
  schema: z.ZodType,
  knownKeys: readonly string[],
): ConfigProblem[] {
  const where = poolNames(input);
  return issues.map((issue) => {
    const key = formatPath(source, issue.path, where);
    if (issue.code === "unrecognized_keys") {
      // The fix for an unknown key is never the parent's (for a pool that would say "add a pools list").
      return {
        key,
        problem: `has unknown key(s) ${issue.keys.join(", ")}`,
        fix:
          suggestKeys(issue.keys, knownKeys) ??
          "remove or correct the key; mayfly.example.yml shows every key",
      };
    }
    const value = valueAt(input, issue.path);
    const last = [...issue.path].reverse().find((p) => typeof p === "string");
    // Own keys only: a key named like an Object method ("valueOf") must not find the prototype's.
    const fix = Object.hasOwn(POOL_FIXES, String(last))
      ? POOL_FIXES[String(last)]!
      : issue.path.length === 0
        ? "start the file with `version: 1` and a `pools:` list; see mayfly.example.yml"
        : "see mayfly.example.yml";
    const hint = nearestValue(issue, value);
    return { key, problem: describeIssue(issue, value, where, schema), fix: hint ? `${hint} ${fix}` : fix };
  });
}

/** How each pool is named in a problem's key: by its name when that is unique, else by its position. */
function poolNames(input: unknown): (index: number) => string {
  const pools = (input as { pools?: unknown } | null)?.pools;
  const names = Array.isArray(pools)
    ? pools.map((p) => (typeof p?.name === "string" && p.name !== "" ? p.name : undefined))
    : [];
  return (i) => {
    const name = names[i];
    if (name === undefined) return `pool #${i + 1} (no name)`;
    const unique = names.filter((n) => n === name).length === 1;
    return unique ? `pool ${JSON.stringify(name)}` : `pool #${i + 1} ${JSON.stringify(name)}`;
  };
}

function formatPath(source: string, path: readonly PropertyKey[], pool: (index: number) => string): string {
  const [first, index, ...rest] = path;
  const named = first === "pools" && typeof index === "number";
  const tail = named ? rest : path;
  const parts = tail.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  const subject = parts.replace(/^\./, "");
  if (named) return `${source}: ${pool(index)}${subject ? `: ${subject}` : ""}`;
  return `${source}: ${subject || "(top)"}`;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  value: unknown,
  pool: (index: number) => string,
  schema: z.ZodType,
): string {
  // A required key that is absent or empty (`subnets:` alone is null in YAML) reads "is missing" whatever
  // its schema (a literal or a union would say "Invalid input"). Custom issues are about a value present.
  if (issue.code !== "custom" && issue.path.length > 0 && (value === undefined || value === null)) {
    return "is missing";
  }
  if (issue.path.length === 0 && (value === undefined || value === null)) return "is empty";
  if (issue.code === "custom" && issue.path.at(-1) === "name" && typeof issue.params?.first === "number") {
    return `is also the name of ${pool(issue.params.first).replace(/ ".*"$/, "")}; each pool needs its own name`;
  }
  const plain = ["invalid_type", "invalid_value"].includes(issue.code) || isNumberBound(issue);
  const expected = plain ? describeExpected(schemaAt(schema, issue.path)) : undefined;
  if (expected) return `must be ${expected}, got ${showValue(value)}`;
  // A union (the image) fails as a whole; its fix names every form it takes.
  return issue.code === "invalid_union"
    ? `matches none of the forms it takes, got ${showValue(value)}`
    : issue.message;
}

const isNumberBound = (issue: z.core.$ZodIssue) =>
  (issue.code === "too_small" || issue.code === "too_big") && issue.origin === "number";

/** For a mistyped choice (`market: spto`), the choice it most likely meant. */
function nearestValue(issue: z.core.$ZodIssue, value: unknown): string | undefined {
  if (issue.code !== "invalid_value" || typeof value !== "string") return undefined;
  const near = nearestKey(value, issue.values.map(String));
  return near ? `did you mean ${near}?` : undefined;
}

function suggestKeys(keys: readonly string[], known: readonly string[]): string | undefined {
  const hints = keys.flatMap((k) => {
    const near = nearestKey(k, known);
    return near ? [`${k} → ${near}?`] : [];
  });
  return hints.length ? `did you mean: ${hints.join(", ")} (mayfly.example.yml shows every key)` : undefined;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined,
    input,
  );
}
