import { invalidParameter, missingParameter, SqsError } from "./sqs-error.js";

/**
 * Readers for the PascalCase JSON members of a request. They answer the way SQS does for a missing or
 * malformed member (MissingParameter / InvalidParameterValue) instead of letting a bad request crash
 * the emulator.
 */

export type Body = Record<string, unknown>;

export function parseBody(raw: Buffer): Body {
  if (raw.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new SqsError("InvalidParameterValue", "The request body is not valid JSON.");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new SqsError("InvalidParameterValue", "The request body must be a JSON object.");
  }
  return value as Body;
}

export function optionalString(body: Body, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalidParameter(name, JSON.stringify(value), "Must be a string.");
  return value;
}

export function requiredString(body: Body, name: string): string {
  const value = optionalString(body, name);
  if (value === undefined || value === "") throw missingParameter(name);
  return value;
}

export function optionalInt(body: Body, name: string, min: number, max: number): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(name, JSON.stringify(value), `Must be between ${min} and ${max}, if provided.`);
  }
  return value;
}

export function optionalStringList(body: Body, name: string): string[] | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw invalidParameter(name, JSON.stringify(value), "Must be a list of strings.");
  }
  return value as string[];
}

export function optionalStringMap(body: Body, name: string): Record<string, string> | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw invalidParameter(name, JSON.stringify(value), "Must be a map of strings.");
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string")
      throw invalidParameter(`${name}.${key}`, JSON.stringify(v), "Must be a string.");
  }
  return value as Record<string, string>;
}

/** Batch entries: a non-empty list of objects, at most 10, with distinct valid ids. */
export function batchEntries(body: Body): Body[] {
  const value = body.Entries;
  if (value === undefined || value === null) throw missingParameter("Entries");
  if (!Array.isArray(value) || value.some((e) => e === null || typeof e !== "object" || Array.isArray(e))) {
    throw invalidParameter("Entries", "", "Must be a list of entries.");
  }
  if (value.length === 0)
    throw new SqsError("EmptyBatchRequest", "There should be at least one entry in the request.");
  if (value.length > 10) {
    throw new SqsError(
      "TooManyEntriesInBatchRequest",
      `Maximum number of entries per request are 10. You have sent ${value.length}.`,
    );
  }
  const seen = new Set<string>();
  for (const entry of value as Body[]) {
    const id = entry.Id;
    if (typeof id !== "string" || !/^[A-Za-z0-9_-]{1,80}$/.test(id)) {
      throw new SqsError(
        "InvalidBatchEntryId",
        "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.",
      );
    }
    if (seen.has(id)) throw new SqsError("BatchEntryIdsNotDistinct", `Id ${id} repeated.`);
    seen.add(id);
  }
  return value as Body[];
}
