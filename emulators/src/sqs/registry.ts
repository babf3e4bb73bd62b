import { EmulatedQueue } from "./queue.js";
import {
  COMPUTED_ATTRIBUTES,
  checkQueueName,
  defaultAttributes,
  validateAttributes,
} from "./queue-attributes.js";
import { SqsError } from "./sqs-error.js";

/**
 * The queues of one emulated account and region, addressed by URL `http://<host>:<port>/<account>/<name>`
 * and ARN `arn:aws:sqs:<region>:<account>:<name>`, with their attributes.
 */

export interface QueueRecord {
  queue: EmulatedQueue;
  attributes: Record<string, string>;
  createdAt: number;
  lastModifiedAt: number;
  lastPurgeAt?: number;
}

export interface RegistryOptions {
  baseUrl: string;
  region: string;
  accountId: string;
  now: () => number;
}

const queueDoesNotExist = () => new SqsError("QueueDoesNotExist", "The specified queue does not exist.");

export class QueueRegistry {
  readonly #byName = new Map<string, QueueRecord>();
  readonly #options: RegistryOptions;

  constructor(options: RegistryOptions) {
    this.#options = options;
  }

  urlOf(name: string): string {
    return `${this.#options.baseUrl}/${this.#options.accountId}/${name}`;
  }

  arnOf(name: string): string {
    return `arn:aws:sqs:${this.#options.region}:${this.#options.accountId}:${name}`;
  }

  /** CreateQueue: idempotent when the attributes given match the existing queue's. */
  create(name: string, requested: Record<string, string> = {}): QueueRecord {
    const fifo = requested.FifoQueue?.toLowerCase() === "true";
    checkQueueName(name, fifo);
    const attributes = validateAttributes(requested, {
      fifo,
      creating: true,
      lookup: (arn) => this.#fifoOf(arn),
    });
    if (!fifo) delete attributes.FifoQueue;
    const existing = this.#byName.get(name);
    if (existing) {
      for (const [key, value] of Object.entries(attributes)) {
        if ((existing.attributes[key] ?? "") !== value) {
          throw new SqsError(
            "QueueNameExists",
            `A queue already exists with the same name and a different value for attribute ${key}`,
          );
        }
      }
      return existing;
    }
    const now = this.#options.now();
    const queue = new EmulatedQueue(
      { name, url: this.urlOf(name), arn: this.arnOf(name), fifo, senderId: this.#options.accountId },
      {
        now: this.#options.now,
        queueByArn: (arn) => this.byArn(arn)?.queue,
        attribute: (key) => record.attributes[key],
      },
    );
    const record: QueueRecord = {
      queue,
      attributes: { ...defaultAttributes(fifo), ...attributes },
      createdAt: now,
      lastModifiedAt: now,
    };
    this.#byName.set(name, record);
    return record;
  }

  delete(record: QueueRecord): void {
    this.#byName.delete(record.queue.identity.name);
    record.queue.close();
  }

  byName(name: string): QueueRecord | undefined {
    return this.#byName.get(name);
  }

  byArn(arn: string): QueueRecord | undefined {
    const prefix = this.arnOf("");
    return arn.startsWith(prefix) ? this.#byName.get(arn.slice(prefix.length)) : undefined;
  }

  /** The queue a request's QueueUrl names. Only the path counts: clients may reach us by another host name. */
  resolve(queueUrl: string): QueueRecord {
    let path: string;
    try {
      path = new URL(queueUrl).pathname;
    } catch {
      throw new SqsError("InvalidAddress", `The address ${queueUrl} is not valid for this endpoint.`);
    }
    const [, account, name, ...rest] = path.split("/");
    if (account !== this.#options.accountId || !name || rest.length > 0) throw queueDoesNotExist();
    const record = this.#byName.get(name);
    if (!record) throw queueDoesNotExist();
    return record;
  }

  list(prefix = ""): QueueRecord[] {
    return [...this.#byName.values()]
      .filter((r) => r.queue.identity.name.startsWith(prefix))
      .sort((a, b) => a.queue.identity.name.localeCompare(b.queue.identity.name));
  }

  getAttributes(record: QueueRecord, names: readonly string[]): Record<string, string> {
    const counts = record.queue.counts();
    const computed: Record<string, string> = {
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
      CreatedTimestamp: String(Math.floor(record.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(record.lastModifiedAt / 1000)),
      QueueArn: record.queue.identity.arn,
    };
    const all = { ...record.attributes, ...computed };
    if (names.includes("All")) return all;
    const result: Record<string, string> = {};
    for (const name of names) {
      if (!(name in all) && !isKnownAttribute(name)) {
        throw new SqsError("InvalidAttributeName", `Unknown Attribute ${name}.`);
      }
      const value = all[name];
      if (value !== undefined) result[name] = value;
    }
    return result;
  }

  setAttributes(record: QueueRecord, requested: Record<string, string>): void {
    const { fifo } = record.queue.identity;
    const attributes = validateAttributes(requested, {
      fifo,
      creating: false,
      lookup: (arn) => this.#fifoOf(arn),
    });
    for (const [key, value] of Object.entries(attributes)) {
      if (key === "RedrivePolicy" && value === "") delete record.attributes[key];
      else record.attributes[key] = value;
    }
    record.lastModifiedAt = this.#options.now();
  }

  /** PurgeQueue: one purge per queue per 60 seconds (PurgeQueueInProgress otherwise). */
  purge(record: QueueRecord): void {
    const now = this.#options.now();
    if (record.lastPurgeAt !== undefined && now - record.lastPurgeAt < 60_000) {
      throw new SqsError(
        "PurgeQueueInProgress",
        `Only one PurgeQueue operation on ${record.queue.identity.name} is allowed every 60 seconds.`,
      );
    }
    record.lastPurgeAt = now;
    record.queue.purge();
  }

  closeAll(): void {
    for (const record of this.#byName.values()) record.queue.close();
  }

  #fifoOf(arn: string): { fifo: boolean } | undefined {
    const record = this.byArn(arn);
    return record && { fifo: record.queue.identity.fifo };
  }
}

const OPTIONAL_ATTRIBUTES = new Set<string>([
  ...COMPUTED_ATTRIBUTES,
  "Policy",
  "RedrivePolicy",
  "RedriveAllowPolicy",
  "KmsMasterKeyId",
  "KmsDataKeyReusePeriodSeconds",
  "FifoQueue",
  "ContentBasedDeduplication",
  "DeduplicationScope",
  "FifoThroughputLimit",
]);

function isKnownAttribute(name: string): boolean {
  return OPTIONAL_ATTRIBUTES.has(name);
}
