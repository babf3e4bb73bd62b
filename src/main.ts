import { EC2Client } from "@aws-sdk/client-ec2";
import { SQSClient } from "@aws-sdk/client-sqs";
import { pino } from "pino";
import { loadConfig } from "./config.js";
import { ConfigError } from "./errors.js";
import { createMayfly } from "./mayfly.js";

/**
 * Process entry (`npm start`). Clients follow the standard AWS SDK environment (credential chain,
 * AWS_REGION, AWS_ENDPOINT_URL_EC2/_SQS). EC2 calls are made once (`maxAttempts: 1`): the scaler owns
 * retries, so a capacity error moves to the next instance type at once instead of being retried by the SDK.
 * SIGTERM/SIGINT: stop receiving, finish in-flight work, exit.
 */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = pino({ level: config.logLevel, base: { app: "mayfly" } });
  // The SDK's default of 50 sockets per client would queue a burst's long polls, batch deletes and
  // visibility changes behind each other; Mayfly paces its calls with its own budgets, so the socket pool
  // need not pace them too.
  const requestHandler = { httpAgent: { maxSockets: 256 }, httpsAgent: { maxSockets: 256 } };
  const mayfly = await createMayfly(config, {
    ec2: new EC2Client({ region: config.aws.region, maxAttempts: 1, requestHandler }),
    sqs:
      config.queue.kind === "sqs" ? new SQSClient({ region: config.aws.region, requestHandler }) : undefined,
    log,
  });
  const url = await mayfly.start();
  log.info({ url, publicUrl: config.publicUrl }, "listening");

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping: finishing in-flight work");
    const force = setTimeout(() => {
      log.error("in-flight work did not finish within 60 s; exiting");
      process.exit(1);
    }, 60_000);
    force.unref();
    mayfly.stop().then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, "error while stopping");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error) => {
  process.stderr.write(`mayfly failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
