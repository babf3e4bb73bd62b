import type { Logger } from "pino";
import { Probot } from "probot";
import { createEc2Fleet } from "../aws/ec2-fleet.js";
import { createEc2WarmFleet } from "../aws/ec2-warm-fleet.js";
import { instrumentEc2 } from "../aws/instrument.js";
import { createInstanceLookup } from "../bootstrap/instance-lookup.js";
import type { Config } from "../config.js";
import { createDeliveries } from "../github/deliveries.js";
import { createInstallations } from "../github/installations.js";
import { createGitHubJobs } from "../github/jobs.js";
import { createMayflyOctokit } from "../github/octokit.js";
import { createGitHubRunners } from "../github/runners.js";
import type { MayflyOptions } from "../mayfly.js";
import type { Metrics } from "../metrics.js";
import type { JobQueue } from "../queue/job-queue.js";
import { createMemoryQueue } from "../queue/memory.js";
import { createSqsQueue } from "../queue/sqs.js";
import { createObserver } from "../reaper/observe.js";
import { createTerminator } from "../reaper/terminator.js";

/** Every narrow adapter over GitHub, EC2 and SQS, built once from config and the injected clients. */
export function createAdapters(
  config: Config,
  options: MayflyOptions,
  ctx: { metrics: Metrics; log: Logger; now: () => number },
) {
  const { metrics, log, now } = ctx;
  instrumentEc2(options.ec2, metrics);
  const Octokit = createMayflyOctokit({
    writePointsPerMinute: config.github.writePointsPerMinute,
    log,
    observer: {
      call: (method, status) => metrics.githubCalls.inc({ method, status: String(status) }),
      throttled: (kind) => metrics.githubThrottles.inc({ kind }),
    },
  });
  const probot = new Probot({
    appId: config.github.appId,
    privateKey: config.github.privateKey,
    secret: config.github.webhookSecret,
    baseUrl: config.github.apiUrl,
    Octokit,
    log: log.child({ name: "probot" }),
  });
  const auth = (installationId: number) => probot.auth(installationId) as never;
  const appOctokit = () => probot.auth() as never;
  const runners = createGitHubRunners({ auth, now });
  const installations = createInstallations({ appOctokit, now });
  const fleet = createEc2Fleet({ client: options.ec2, deploymentId: config.deploymentId });
  return {
    probot,
    runners,
    installations,
    fleet,
    /** Stop/start for warm capacity (issue 13): the scaler claims stopped instances through it. */
    warmFleet: createEc2WarmFleet({ client: options.ec2 }),
    jobs: createGitHubJobs({ auth, now }),
    deliveries: createDeliveries({ appOctokit, now }),
    queues: createQueues(config, options),
    instances: createInstanceLookup({ fleet }),
    terminator: createTerminator({ fleet }),
    observe: createObserver({ fleet, runners, installations, runnerPrefix: config.runnerPrefix, now }),
  };
}
export type Adapters = ReturnType<typeof createAdapters>;

function createQueues(config: Config, options: MayflyOptions): { scale: JobQueue; reap: JobQueue } {
  if (config.queue.kind === "memory") {
    return options.memoryQueues ?? { scale: createMemoryQueue(), reap: createMemoryQueue() };
  }
  if (!options.sqs) throw new Error("MAYFLY_QUEUE=sqs needs an SQS client");
  const dlq = config.queue.deadLetterQueueUrl;
  return {
    scale: createSqsQueue({
      client: options.sqs,
      queueUrl: config.queue.scaleQueueUrl,
      deadLetterQueueUrl: dlq,
    }),
    reap: createSqsQueue({
      client: options.sqs,
      queueUrl: config.queue.reapQueueUrl,
      deadLetterQueueUrl: dlq,
    }),
  };
}
