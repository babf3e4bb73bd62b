import type { Operation } from "./context.js";
import { deleteMessage, deleteMessageBatch } from "./delete.js";
import {
  createQueue,
  deleteQueue,
  getQueueAttributes,
  getQueueUrl,
  listQueues,
  purgeQueue,
  setQueueAttributes,
} from "./queues.js";
import { receiveMessage } from "./receive.js";
import { sendMessage, sendMessageBatch } from "./send.js";
import { changeMessageVisibility, changeMessageVisibilityBatch } from "./visibility.js";

/** The operations the emulator implements, by `x-amz-target` name (`AmazonSQS.<Operation>`). */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateQueue: createQueue,
  GetQueueUrl: getQueueUrl,
  ListQueues: listQueues,
  DeleteQueue: deleteQueue,
  PurgeQueue: purgeQueue,
  GetQueueAttributes: getQueueAttributes,
  SetQueueAttributes: setQueueAttributes,
  SendMessage: sendMessage,
  SendMessageBatch: sendMessageBatch,
  ReceiveMessage: receiveMessage,
  DeleteMessage: deleteMessage,
  DeleteMessageBatch: deleteMessageBatch,
  ChangeMessageVisibility: changeMessageVisibility,
  ChangeMessageVisibilityBatch: changeMessageVisibilityBatch,
};
