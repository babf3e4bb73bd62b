import { type Body, batchEntries, optionalInt, requiredString } from "../params.js";
import { missingParameter } from "../sqs-error.js";
import { type OperationContext, runEntry } from "./context.js";

/**
 * ChangeMessageVisibility(Batch): 0–43,200 s counted from now; 0 makes the message visible at once.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html
 */

function change(body: Body, queue: { changeVisibility(handle: string, seconds: number): void }): void {
  const seconds = optionalInt(body, "VisibilityTimeout", 0, 43_200);
  if (seconds === undefined) throw missingParameter("VisibilityTimeout");
  queue.changeVisibility(requiredString(body, "ReceiptHandle"), seconds);
}

export function changeMessageVisibility(body: Body, { registry }: OperationContext) {
  change(body, registry.resolve(requiredString(body, "QueueUrl")).queue);
  return {};
}

export function changeMessageVisibilityBatch(body: Body, context: OperationContext) {
  const { queue } = context.registry.resolve(requiredString(body, "QueueUrl"));
  const Successful: { Id: string }[] = [];
  const Failed: unknown[] = [];
  for (const entry of batchEntries(body)) {
    const id = entry.Id as string;
    const result = runEntry(id, context, () => change(entry, queue));
    if ("ok" in result) Successful.push({ Id: id });
    else Failed.push(result.failed);
  }
  return { Successful, Failed };
}
