import type { Body } from "../params.js";
import type { QueueRegistry } from "../registry.js";
import { SqsError } from "../sqs-error.js";

/** What an operation handler gets: the queues, and a signal that fires when the client goes away or we stop. */
export interface OperationContext {
  registry: QueueRegistry;
  signal: AbortSignal;
  /** An injected failure for the next batch entry of this operation, if any. */
  entryFault: () => SqsError | undefined;
}

export type Operation = (body: Body, context: OperationContext) => unknown;

export interface BatchFailure {
  Id: string;
  SenderFault: boolean;
  Code: string;
  Message: string;
}

/**
 * Runs one batch entry: its own error becomes a `Failed[]` entry (the batch still answers 200), as the
 * SQS batch APIs do. Anything that is not an SqsError is our bug and fails the whole request.
 */
export function runEntry<T>(
  id: string,
  context: OperationContext,
  run: () => T,
): { ok: T } | { failed: BatchFailure } {
  try {
    const injected = context.entryFault();
    if (injected) throw injected;
    return { ok: run() };
  } catch (error) {
    if (!(error instanceof SqsError)) throw error;
    return { failed: { Id: id, SenderFault: error.senderFault, Code: error.code, Message: error.message } };
  }
}
