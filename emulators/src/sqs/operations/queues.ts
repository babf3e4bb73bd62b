import {
  type Body,
  optionalInt,
  optionalString,
  optionalStringList,
  optionalStringMap,
  requiredString,
} from "../params.js";
import { SqsError } from "../sqs-error.js";
import type { OperationContext } from "./context.js";

/** Queue management: CreateQueue, GetQueueUrl, ListQueues, DeleteQueue, PurgeQueue, Get/SetQueueAttributes. */

export function createQueue(body: Body, { registry }: OperationContext) {
  const record = registry.create(requiredString(body, "QueueName"), optionalStringMap(body, "Attributes"));
  return { QueueUrl: record.queue.identity.url };
}

export function getQueueUrl(body: Body, { registry }: OperationContext) {
  const name = requiredString(body, "QueueName");
  const record = registry.byName(name);
  const owner = optionalString(body, "QueueOwnerAWSAccountId");
  if (!record || (owner !== undefined && !record.queue.identity.arn.includes(`:${owner}:`))) {
    throw new SqsError("QueueDoesNotExist", "The specified queue does not exist.");
  }
  return { QueueUrl: record.queue.identity.url };
}

export function listQueues(body: Body, { registry }: OperationContext) {
  const prefix = optionalString(body, "QueueNamePrefix") ?? "";
  const maxResults = optionalInt(body, "MaxResults", 1, 1000);
  const token = optionalString(body, "NextToken");
  const after = token === undefined ? undefined : Buffer.from(token, "base64").toString("utf8");
  const names = registry
    .list(prefix)
    .map((r) => r.queue.identity.name)
    .filter((name) => after === undefined || name > after);
  const page = names.slice(0, maxResults ?? 1000);
  if (page.length === 0) return {};
  const more = maxResults !== undefined && names.length > page.length;
  return {
    QueueUrls: page.map((name) => registry.urlOf(name)),
    ...(more ? { NextToken: Buffer.from(page.at(-1)!, "utf8").toString("base64") } : {}),
  };
}

export function deleteQueue(body: Body, { registry }: OperationContext) {
  registry.delete(registry.resolve(requiredString(body, "QueueUrl")));
  return {};
}

export function purgeQueue(body: Body, { registry }: OperationContext) {
  registry.purge(registry.resolve(requiredString(body, "QueueUrl")));
  return {};
}

export function getQueueAttributes(body: Body, { registry }: OperationContext) {
  const record = registry.resolve(requiredString(body, "QueueUrl"));
  const attributes = registry.getAttributes(record, optionalStringList(body, "AttributeNames") ?? []);
  return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
}

export function setQueueAttributes(body: Body, { registry }: OperationContext) {
  const record = registry.resolve(requiredString(body, "QueueUrl"));
  const attributes = optionalStringMap(body, "Attributes");
  if (!attributes)
    throw new SqsError("MissingParameter", "The request must contain the parameter Attributes.");
  registry.setAttributes(record, attributes);
  return {};
}
