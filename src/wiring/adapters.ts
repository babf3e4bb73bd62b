import type { Logger } from "pino";
import { Probot } from "probot";
import { createEc2Fleet } from "../aws/ec2-fleet.js";
import { createEc2InterruptionMarker } from "../aws/ec2-mark-interrupted.js";
import { createEc2TakenMarker } from "../aws/ec2-mark-taken.js";
import { createEc2WarmFleet } from "../aws/ec2-warm-fleet.js";
import { createImageLookup } from "../aws/image-lookup.js";
import { instrumentEc2 } from "../aws/instrument.js";
import { createEc2EnrolmentTags } from "../bootstrap/enrolment-tags.js";
import { createInstanceLookup } from "../bootstrap/instance-lookup.js";
import type { Config } from "../config.js";
import { type AppIdentity, defaultIdentity, extraIdentity } from "../github/app-identity.js";
import { createDeliveries } from "../github/deliveries.js";
import { createInstallations } from "../github/installations.js";
import { createGitHubJobs } from "../github/jobs.js";
import { createMayflyOctokit, type GitHubCallObserver } from "../github/octokit.js";
import { RegistrationBudget } from "../github/registration-budget.js";
import { registrationShare, writeShare } from "../github/replica-share.js";
import { createGitHubRerun } from "../github/rerun.js";
import { createRunnerGroups } from "../github/runner-groups.js";
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
  // Every GitHub budget is split over the replicas (ADR 0013); each App identity has its own write budget,
  // and all identities of this replica share the org's runner-registration budget.
  const write = writeShare(config.github.writePointsPerMinute, config.replicas);
  const registrations = new RegistrationBudget(
    registrationShare(config.github.registrationsPer5Minutes, config.replicas),
    now,
  );
  const observer: GitHubCallObserver = {
    call: (method, status) => metrics.githubCalls.inc({ method, status: String(status) }),
    throttled: (kind) => metrics.githubThrottles.inc({ kind }),
  };
  const octokitClass = () =>
    createMayflyOctokit({
      writePointsPerMinute: write.pointsPerMinute,
      writeBurstPoints: write.burstPoints,
      registrations,
      log,
      observer,
    });
  const probot = new Probot({
    appId: config.github.appId,
    privateKey: config.github.privateKey,
    secret: config.github.webhookSecret,
    baseUrl: config.github.apiUrl,
    Octokit: octokitClass(),
    log: log.child({ name: "probot" }),
  });
  const auth = (installationId: number) => probot.auth(installationId) as never;
  const appOctokit = () => probot.auth() as never;
  const jitIdentities: AppIdentity[] = [
    defaultIdentity(config.github.appId, auth),
    ...config.github.extraApps.map((app) => {
      const extra = new Probot({
        appId: app.appId,
        privateKey: app.privateKey,
        baseUrl: config.github.apiUrl,
        Octokit: octokitClass(),
        log: log.child({ name: "probot", appId: app.appId }),
      });
      return extraIdentity({
        appId: app.appId,
        appOctokit: () => extra.auth() as never,
        auth: (installationId) => extra.auth(installationId) as never,
        now,
      });
    }),
  ];
  const runners = createGitHubRunners({ auth, jitIdentities, now });
  // What the scaler may plan for: JIT configs a minute this replica can issue per org, and its share of
  // the rechecks' GETs.
  const budgets = {
    jitConfigsPerMinute: Math.min(
      (jitIdentities.length * write.pointsPerMinute) / 5,
      registrations.perMinute,
    ),
    recheckPerHour: Math.max(1, Math.floor(config.scaler.recheckBudgetPerHour / config.replicas)),
  };
  const installations = createInstallations({ appOctokit, now });
  const fleet = createEc2Fleet({ client: options.ec2, deploymentId: config.deploymentId });
  return {
    probot,
    budgets,
    runners,
    installations,
    fleet,
    /** Stop/start for warm capacity (issue 13): the scaler claims stopped instances through it. */
    warmFleet: createEc2WarmFleet({ client: options.ec2 }),
    jobs: createGitHubJobs({ auth, now }),
    runnerGroups: createRunnerGroups({ auth, now }),
    rerun: createGitHubRerun({ auth, now }),
    marker: createEc2InterruptionMarker({ client: options.ec2 }),
    taken: createEc2TakenMarker({ client: options.ec2 }),
    deliveries: createDeliveries({ appOctokit, now }),
    imageLookup: createImageLookup({ ec2: options.ec2, ssm: options.ssm }),
    queues: createQueues(config, options),
    instances: createInstanceLookup({ fleet }),
    enrolmentTags: createEc2EnrolmentTags({ client: options.ec2 }),
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
