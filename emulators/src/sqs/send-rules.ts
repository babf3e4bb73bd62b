import { createHash } from "node:crypto";
import { invalidParameter, SqsError } from "./sqs-error.js";

/**
 * What SendMessage accepts for each queue type, and the deduplication id it uses. FIFO: a group id is
 * required, per-message delays are refused, the dedup id is explicit or the body's SHA-256 when
 * ContentBasedDeduplication is on. Standard: no dedup id.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */
export function deduplicationIdFor(
  input: { body: string; delaySeconds?: number; groupId?: string; dedupId?: string },
  queue: { fifo: boolean; contentBasedDeduplication: boolean },
): string | undefined {
  if (!queue.fifo) {
    if (input.dedupId !== undefined) {
      throw invalidParameter(
        "MessageDeduplicationId",
        input.dedupId,
        "The request includes a parameter that is not valid for this queue type.",
      );
    }
    return undefined;
  }
  if (input.delaySeconds) {
    throw invalidParameter(
      "DelaySeconds",
      input.delaySeconds,
      "The request include parameter that is not valid for this queue type.",
    );
  }
  if (!input.groupId)
    throw new SqsError("MissingParameter", "The request must contain the parameter MessageGroupId.");
  if (input.dedupId) return input.dedupId;
  if (queue.contentBasedDeduplication) return createHash("sha256").update(input.body, "utf8").digest("hex");
  throw new SqsError(
    "InvalidParameterValue",
    "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
  );
}
