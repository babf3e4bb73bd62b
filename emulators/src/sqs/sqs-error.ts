/**
 * An error as SQS answers it over the AWS JSON 1.0 protocol: `{"__type":"com.amazonaws.sqs#<Shape>","message"}`
 * plus `x-amzn-query-error: <QueryCode>;Sender|Receiver`. The JS SDK (awsQueryCompatible) reads the query code
 * first and maps it back to the modelled shape, so `e.name` is the shape name (QueueDoesNotExist) and `e.Code`
 * the legacy query code (AWS.SimpleQueueService.NonExistentQueue).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html
 * Query codes and statuses: the `awsQueryError` traits in @aws-sdk/client-sqs 3.1175 (dist-cjs/index.js).
 */

interface Known {
  status: number;
  query?: string;
  type?: string;
}

const ASQS = "AWS.SimpleQueueService";

const KNOWN: Record<string, Known> = {
  QueueDoesNotExist: { status: 400, query: `${ASQS}.NonExistentQueue` },
  QueueNameExists: { status: 400, query: "QueueAlreadyExists" },
  QueueDeletedRecently: { status: 400, query: `${ASQS}.QueueDeletedRecently` },
  ReceiptHandleIsInvalid: { status: 404 },
  MessageNotInflight: { status: 400, query: `${ASQS}.MessageNotInflight` },
  InvalidAddress: { status: 404 },
  InvalidSecurity: { status: 403 },
  OverLimit: { status: 403 },
  RequestThrottled: { status: 403 },
  PurgeQueueInProgress: { status: 403, query: `${ASQS}.PurgeQueueInProgress` },
  EmptyBatchRequest: { status: 400, query: `${ASQS}.EmptyBatchRequest` },
  TooManyEntriesInBatchRequest: { status: 400, query: `${ASQS}.TooManyEntriesInBatchRequest` },
  BatchEntryIdsNotDistinct: { status: 400, query: `${ASQS}.BatchEntryIdsNotDistinct` },
  InvalidBatchEntryId: { status: 400, query: `${ASQS}.InvalidBatchEntryId` },
  BatchRequestTooLong: { status: 400, query: `${ASQS}.BatchRequestTooLong` },
  UnsupportedOperation: { status: 400, query: `${ASQS}.UnsupportedOperation` },
  InvalidAttributeName: { status: 400 },
  InvalidAttributeValue: { status: 400 },
  InvalidMessageContents: { status: 400 },
  InvalidParameterValue: { status: 400 },
  MissingParameter: { status: 400 },
  ThrottlingException: { status: 400, type: "com.amazon.coral.availability#ThrottlingException" },
  UnknownOperationException: { status: 400, type: "com.amazon.coral.service#UnknownOperationException" },
  MissingAuthenticationToken: {
    status: 403,
    type: "com.amazon.coral.service#MissingAuthenticationTokenException",
  },
  IncompleteSignature: { status: 403, type: "com.amazon.coral.service#IncompleteSignatureException" },
  InternalError: { status: 500, type: "com.amazon.coral.service#InternalFailure" },
  ServiceUnavailable: { status: 503, type: "com.amazon.coral.availability#ServiceUnavailableException" },
};

export class SqsError extends Error {
  override name = "SqsError";
  readonly status: number;
  readonly type: string;
  readonly queryCode: string;

  constructor(
    readonly code: string,
    message: string,
    status?: number,
  ) {
    super(message);
    const known = KNOWN[code];
    this.status = status ?? known?.status ?? 400;
    this.type = known?.type ?? `com.amazonaws.sqs#${code}`;
    this.queryCode = known?.query ?? code;
  }

  /** Sender = the caller's fault (4xx); Receiver = ours (5xx). Batch entries report it as `SenderFault`. */
  get senderFault(): boolean {
    return this.status < 500;
  }

  get body(): { __type: string; message: string } {
    return { __type: this.type, message: this.message };
  }

  get headers(): Record<string, string> {
    return { "x-amzn-query-error": `${this.queryCode};${this.senderFault ? "Sender" : "Receiver"}` };
  }
}

export const invalidParameter = (name: string, value: unknown, reason: string) =>
  new SqsError(
    "InvalidParameterValue",
    `Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason}`,
  );

export const missingParameter = (name: string) =>
  new SqsError("MissingParameter", `The request must contain the parameter ${name}.`);
