import { instanceIdOf } from "../domain/runner-name.js";
import type { EventLog } from "../events/event-log.js";
import type { RunnerJobs } from "../events/runner-jobs.js";
import type { InstanceLedger } from "./instance-ledger.js";
import type { QueueTimes } from "./queue-times.js";

/**
 * On each `job.started` of a Mayfly runner: the repository it worked for (for costs per repo) and its
 * queue time (for p50/p90). Read at the event, because RunnerJobs forgets the runner once its job ends.
 * Returns the unsubscribe function.
 */
export function trackJobStarts(deps: {
  events: EventLog;
  runnerJobs: RunnerJobs;
  runnerPrefix: string;
  ledger: InstanceLedger;
  queueTimes: QueueTimes;
}): () => void {
  return deps.events.subscribe((event) => {
    const instanceId = event.runnerName && instanceIdOf(deps.runnerPrefix, event.runnerName);
    if (event.kind !== "job.started" || !event.runnerName || !instanceId) return;
    const job = deps.runnerJobs.get(event.runnerName);
    const repo = event.repo ?? job?.repo;
    if (repo) deps.ledger.noteJob(instanceId, repo, event.at);
    if (job?.queueSeconds !== undefined) deps.queueTimes.add(event.at, job.queueSeconds);
  });
}
