import { type Body, batchEntries, requiredString } from "../params.js";
import { type OperationContext, runEntry } from "./context.js";

/** DeleteMessage and DeleteMessageBatch (per-entry failures for bad handles; the batch answers 200). */

export function deleteMessage(body: Body, { registry }: OperationContext) {
  const record = registry.resolve(requiredString(body, "QueueUrl"));
  record.queue.delete(requiredString(body, "ReceiptHandle"));
  return {};
}

export function deleteMessageBatch(body: Body, context: OperationContext) {
  const { registry } = context;
  const record = registry.resolve(requiredString(body, "QueueUrl"));
  const Successful: { Id: string }[] = [];
  const Failed: unknown[] = [];
  for (const entry of batchEntries(body)) {
    const id = entry.Id as string;
    const result = runEntry(id, context, () => record.queue.delete(requiredString(entry, "ReceiptHandle")));
    if ("ok" in result) Successful.push({ Id: id });
    else Failed.push(result.failed);
  }
  return { Successful, Failed };
}
