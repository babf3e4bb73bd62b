/**
 * An SQS queue as an EventBridge target, over the SQS JSON protocol: one SendMessageBatch of up to 10
 * events, one event JSON per message body, `MessageGroupId` from the target (a FIFO target needs one) and
 * no `MessageDeduplicationId`, which is why a FIFO target queue must have content-based deduplication
 * on (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-custom-bus-target-sqs.html).
 */
export interface SqsTarget {
  /** The queue URL on the SQS emulator (real targets name the queue ARN). */
  queueUrl: string;
  /** Required for a FIFO queue. */
  messageGroupId?: string;
}

export interface SendOutcome {
  delivered: number;
  /** Entries to try again (throttled, server errors, a failed call). */
  retry: string[];
  /** Entries SQS refused as the sender's fault: not retried (EventBridge sends them to the rule's DLQ). */
  refused: { body: string; code: string }[];
}

/** EventBridge signs as its service; the emulator checks only that a SigV4 header is present and well formed. */
const AUTHORIZATION =
  "AWS4-HMAC-SHA256 Credential=events/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host;x-amz-target, Signature=0";

export async function sendToQueue(
  target: SqsTarget,
  bodies: readonly string[],
  http: typeof fetch = fetch,
): Promise<SendOutcome> {
  const entries = bodies.map((body, i) => ({
    Id: String(i),
    MessageBody: body,
    ...(target.messageGroupId ? { MessageGroupId: target.messageGroupId } : {}),
  }));
  const res = await http(new URL(target.queueUrl).origin, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": "AmazonSQS.SendMessageBatch",
      authorization: AUTHORIZATION,
    },
    body: JSON.stringify({ QueueUrl: target.queueUrl, Entries: entries }),
  }).catch(() => undefined);
  if (!res) return { delivered: 0, retry: [...bodies], refused: [] };
  const answer = (await res.json().catch(() => ({}))) as BatchAnswer;
  if (!res.ok) {
    const code = answer.__type?.split("#").pop() ?? String(res.status);
    return res.status >= 500 || code.includes("Throttl")
      ? { delivered: 0, retry: [...bodies], refused: [] }
      : { delivered: 0, retry: [], refused: bodies.map((body) => ({ body, code })) };
  }
  const failed = answer.Failed ?? [];
  const bodyOf = (id: string) => bodies[Number(id)] ?? "";
  return {
    delivered: answer.Successful?.length ?? 0,
    retry: failed.filter((f) => !f.SenderFault).map((f) => bodyOf(f.Id)),
    refused: failed.filter((f) => f.SenderFault).map((f) => ({ body: bodyOf(f.Id), code: f.Code })),
  };
}

interface BatchAnswer {
  __type?: string;
  Successful?: { Id: string }[];
  Failed?: { Id: string; Code: string; SenderFault: boolean }[];
}
