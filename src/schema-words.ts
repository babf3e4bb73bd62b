import type { z } from "zod";

/**
 * Plain words for what a zod schema takes, so a type error reads `must be a whole number from 1 to
 * 10000, got "ten"` rather than zod's "Invalid input: expected number, received string". Reads the
 * schema's own definition (zod 4's `def` and `minValue`/`maxValue`), so the words cannot drift from it.
 */

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown): Def | undefined => (schema as { def?: Def } | undefined)?.def;

/** Wrappers that do not change what a key takes: defaults, optionals, transforms (their input side). */
function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let def = defOf(current); def; def = defOf(current)) {
    if (["default", "optional", "nullable", "prefault", "readonly", "catch"].includes(def.type)) {
      current = def.innerType;
    } else if (def.type === "pipe") current = def.in;
    else break;
  }
  return current;
}

/** The schema at `path` inside `schema`, or undefined where the path leaves it (a union picks no branch). */
export function schemaAt(schema: unknown, path: readonly PropertyKey[]): unknown {
  let current = unwrap(schema);
  for (const key of path) {
    const def = defOf(current);
    if (def?.type === "object") current = (def.shape as Record<PropertyKey, unknown>)[key];
    else if (def?.type === "array") current = def.element;
    else if (def?.type === "record") current = def.valueType;
    else return undefined;
    current = unwrap(current);
  }
  return current;
}

/** "a whole number from 1 to 20", "one of on-demand, spot", "a list", … or undefined if not plain. */
export function describeExpected(schema: unknown): string | undefined {
  const def = defOf(schema);
  switch (def?.type) {
    case "number":
      return describeNumber(schema as z.ZodNumber);
    case "string":
      return "text";
    case "boolean":
      return "true or false";
    case "array":
      return "a list, e.g. [a, b]";
    case "object":
    case "record":
      return "a mapping of keys to values";
    case "enum":
      return `one of ${Object.values(def.entries as Record<string, string>).join(", ")}`;
    case "literal":
      return (def.values as unknown[]).map((v) => JSON.stringify(v)).join(" or ");
    default:
      return undefined;
  }
}

// zod gives an integer without `.max()` the safe-integer bound; that is no bound worth printing.
const UNBOUNDED = 2 ** 52;

function describeNumber(schema: z.ZodNumber): string {
  const kind = schema.isInt ? "a whole number" : "a number";
  const min = schema.minValue !== null && schema.minValue > -UNBOUNDED ? schema.minValue : undefined;
  const max = schema.maxValue !== null && schema.maxValue < UNBOUNDED ? schema.maxValue : undefined;
  if (min !== undefined && max !== undefined) return `${kind} from ${min} to ${max}`;
  if (min !== undefined) return `${kind} ≥ ${min}`;
  if (max !== undefined) return `${kind} ≤ ${max}`;
  return kind;
}

/** The value the admin wrote, as they would recognise it. */
export function showValue(value: unknown): string {
  if (Array.isArray(value)) return `a list (${JSON.stringify(value)})`;
  if (value !== null && typeof value === "object") return `a mapping (${JSON.stringify(value)})`;
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
