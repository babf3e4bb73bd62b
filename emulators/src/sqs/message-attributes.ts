import type { MessageAttributeValue } from "./md5.js";
import { SqsError } from "./sqs-error.js";

/**
 * Validation and filtering of user message attributes, with the limits SQS documents:
 * ≤ 10 attributes; names `[A-Za-z0-9_.-]`, ≤ 256, not `AWS.`/`Amazon.`, no leading, trailing or doubled
 * period; types String, Number or Binary with an optional `.label`; non-empty values.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
 */

const invalid = (message: string) => new SqsError("InvalidParameterValue", message);
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

export function parseMessageAttributes(value: unknown): Record<string, MessageAttributeValue> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw invalid("MessageAttributes must be a map.");
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 10) {
    throw invalid(`Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`);
  }
  const result: Record<string, MessageAttributeValue> = {};
  for (const [name, raw] of entries) {
    checkName(name);
    result[name] = checkValue(name, raw);
  }
  return result;
}

function checkName(name: string): void {
  if (!/^[A-Za-z0-9_.-]{1,256}$/.test(name)) {
    throw invalid(`Message (user) attribute '${name}' has an invalid name.`);
  }
  if (/^(aws|amazon)\./i.test(name) || name.startsWith(".") || name.endsWith(".") || name.includes("..")) {
    throw invalid(`Message (user) attribute name '${name}' is reserved or malformed.`);
  }
}

function checkValue(name: string, raw: unknown): MessageAttributeValue {
  const v = (raw ?? {}) as Record<string, unknown>;
  const dataType = v.DataType;
  if (typeof dataType !== "string" || dataType === "") {
    throw invalid(`The message attribute '${name}' must contain non-empty message attribute type.`);
  }
  if (!/^(String|Number|Binary)(\..+)?$/.test(dataType) || dataType.length > 256) {
    throw invalid(
      `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
    );
  }
  if (dataType.startsWith("Binary")) {
    if (typeof v.BinaryValue !== "string" || v.BinaryValue === "") {
      throw invalid(`The message attribute '${name}' with type 'Binary' must use field 'Binary'.`);
    }
    return { DataType: dataType, BinaryValue: v.BinaryValue };
  }
  if (typeof v.StringValue !== "string" || v.StringValue === "") {
    throw invalid(`The message attribute '${name}' must contain non-empty message attribute value.`);
  }
  if (dataType.startsWith("Number") && !NUMBER.test(v.StringValue)) {
    throw invalid(`Can't cast the value of message (user) attribute '${name}' to a number.`);
  }
  return { DataType: dataType, StringValue: v.StringValue };
}

/** Bytes the attributes count against MaximumMessageSize: name, type and value. */
export function attributesSize(attributes: Record<string, MessageAttributeValue>): number {
  let size = 0;
  for (const [name, a] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(a.DataType);
    size += a.BinaryValue
      ? Buffer.from(a.BinaryValue, "base64").length
      : Buffer.byteLength(a.StringValue ?? "");
  }
  return size;
}

/** ReceiveMessage `MessageAttributeNames`: exact names, `All`, `.*`, or a `prefix.*`. */
export function selectMessageAttributes(
  attributes: Record<string, MessageAttributeValue>,
  requested: readonly string[] | undefined,
): Record<string, MessageAttributeValue> {
  if (!requested || requested.length === 0) return {};
  const all = requested.includes("All") || requested.includes(".*");
  const prefixes = requested.filter((r) => r.endsWith(".*")).map((r) => r.slice(0, -1));
  const selected: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (all || requested.includes(name) || prefixes.some((p) => name.startsWith(p))) selected[name] = value;
  }
  return selected;
}

/** Body characters SQS accepts: #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF. */
export function hasOnlyValidCharacters(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the allowed set is defined by control characters
  return !/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(text);
}
