import { EC2Client } from "@aws-sdk/client-ec2";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { Config } from "../config.js";

/**
 * The EC2 and SQS clients of a running app (src/main.ts and the bench's instrumented copy alike, so the
 * bench measures what production runs). They follow the standard AWS SDK environment (credential chain,
 * AWS_REGION, AWS_ENDPOINT_URL_EC2/_SQS). EC2 calls are made once (`maxAttempts: 1`): the scaler owns
 * retries, so a capacity error moves to the next instance type at once instead of being retried by the
 * SDK. The SDK's default of 50 sockets per client would queue a burst's long polls, batch deletes and
 * visibility changes behind each other (and the webhooks' sends behind them); Mayfly paces its calls
 * with its own budgets, so the socket pool need not pace them too.
 */
export function createSdkClients(config: Pick<Config, "aws" | "queue">): {
  ec2: EC2Client;
  sqs: SQSClient | undefined;
  /** The setup checklist reads the pools' image parameters (src/aws/image-lookup.ts). */
  ssm: SSMClient;
} {
  const requestHandler = { httpAgent: { maxSockets: 256 }, httpsAgent: { maxSockets: 256 } };
  return {
    ec2: new EC2Client({ region: config.aws.region, maxAttempts: 1, requestHandler }),
    sqs:
      config.queue.kind === "sqs" ? new SQSClient({ region: config.aws.region, requestHandler }) : undefined,
    ssm: new SSMClient({ region: config.aws.region }),
  };
}
