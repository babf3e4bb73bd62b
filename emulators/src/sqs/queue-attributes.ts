import { invalidParameter, SqsError } from "./sqs-error.js";

/**
 * Queue attributes as CreateQueue / SetQueueAttributes take them (all strings), validated with the ranges of
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 * (MaximumMessageSize default 1 MiB since 2025; see reference/api-facts.md §4).
 */

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/** What validation needs to know about a dead-letter target. */
export type ArnLookup = (arn: string) => { fifo: boolean } | undefined;

const INT_RANGES: Record<string, [number, number]> = {
  VisibilityTimeout: [0, 43_200],
  MaximumMessageSize: [1024, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600],
  DelaySeconds: [0, 900],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};
const BOOLEANS = new Set(["ContentBasedDeduplication", "SqsManagedSseEnabled", "FifoQueue"]);
const ENUMS: Record<string, readonly string[]> = {
  DeduplicationScope: ["queue", "messageGroup"],
  FifoThroughputLimit: ["perQueue", "perMessageGroupId"],
};
const FIFO_ONLY = new Set(["ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"]);
const FREE_TEXT = new Set(["Policy", "KmsMasterKeyId", "RedriveAllowPolicy", "RedrivePolicy"]);

/** Read-only attributes that GetQueueAttributes may name. */
export const COMPUTED_ATTRIBUTES = [
  "ApproximateNumberOfMessages",
  "ApproximateNumberOfMessagesNotVisible",
  "ApproximateNumberOfMessagesDelayed",
  "CreatedTimestamp",
  "LastModifiedTimestamp",
  "QueueArn",
] as const;

export function defaultAttributes(fifo: boolean): Record<string, string> {
  return {
    VisibilityTimeout: "30",
    MaximumMessageSize: "1048576",
    MessageRetentionPeriod: "345600",
    DelaySeconds: "0",
    ReceiveMessageWaitTimeSeconds: "0",
    SqsManagedSseEnabled: "true",
    ...(fifo
      ? {
          FifoQueue: "true",
          ContentBasedDeduplication: "false",
          DeduplicationScope: "queue",
          FifoThroughputLimit: "perQueue",
        }
      : {}),
  };
}

/**
 * Validates and normalises attributes for a queue of the given type. `creating` allows FifoQueue.
 * An empty RedrivePolicy (SetQueueAttributes) means "remove it" and is kept as "".
 */
export function validateAttributes(
  attributes: Record<string, string>,
  options: { fifo: boolean; creating: boolean; lookup: ArnLookup },
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) {
    const known = name in INT_RANGES || BOOLEANS.has(name) || name in ENUMS || FREE_TEXT.has(name);
    if (!known || (name === "FifoQueue" && !options.creating)) {
      throw new SqsError("InvalidAttributeName", `Unknown Attribute ${name}.`);
    }
    if (FIFO_ONLY.has(name) && !options.fifo) {
      throw new SqsError(
        "InvalidAttributeName",
        `You can specify the ${name} only when FifoQueue is set to true.`,
      );
    }
    result[name] = normalise(name, value, options);
  }
  return result;
}

function normalise(name: string, value: string, options: { fifo: boolean; lookup: ArnLookup }): string {
  const invalidValue = () =>
    new SqsError("InvalidAttributeValue", `Invalid value for the parameter ${name}.`);
  const range = INT_RANGES[name];
  if (range) {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < range[0] || n > range[1]) throw invalidValue();
    return String(n);
  }
  if (BOOLEANS.has(name)) {
    if (!/^(true|false)$/i.test(value)) throw invalidValue();
    return value.toLowerCase();
  }
  const allowed = ENUMS[name];
  if (allowed) {
    if (!allowed.includes(value)) throw invalidValue();
    return value;
  }
  if (name === "RedrivePolicy") return value === "" ? "" : JSON.stringify(parseRedrivePolicy(value, options));
  return value;
}

function parseRedrivePolicy(value: string, options: { fifo: boolean; lookup: ArnLookup }): RedrivePolicy {
  const invalid = (reason: string) => invalidParameter("RedrivePolicy", value, reason);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(value) as Record<string, unknown>;
  } catch {
    throw invalid("Redrive policy is not a valid JSON map.");
  }
  const arn = parsed.deadLetterTargetArn;
  const count = Number(parsed.maxReceiveCount);
  if (typeof arn !== "string" || arn === "")
    throw invalid("Redrive policy does not contain deadLetterTargetArn.");
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw invalid(
      `Invalid value for maxReceiveCount: ${String(parsed.maxReceiveCount)}, valid values are from 1 to 1000 both inclusive.`,
    );
  }
  const target = options.lookup(arn);
  if (!target) throw invalid("Dead letter target does not exist.");
  if (target.fifo !== options.fifo) {
    throw invalid("Dead-letter target must be of the same type (FIFO or standard) as the source queue.");
  }
  return { deadLetterTargetArn: arn, maxReceiveCount: count };
}

/** Queue names: 1–80 of `[A-Za-z0-9_-]`, FIFO names end in `.fifo` (counted in the 80). */
export function checkQueueName(name: string, fifo: boolean): void {
  const base = fifo ? name.replace(/\.fifo$/, "") : name;
  if (fifo && !name.endsWith(".fifo")) {
    throw new SqsError(
      "InvalidParameterValue",
      "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.",
    );
  }
  if (!/^[A-Za-z0-9_-]+$/.test(base) || name.length > 80) {
    throw new SqsError(
      "InvalidParameterValue",
      "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
    );
  }
}
