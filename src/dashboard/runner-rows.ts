import type { Market } from "../aws/fleet.js";
import { runnerNameOf } from "../domain/runner-name.js";
import { TAG } from "../domain/tags.js";
import type { RunnerJob } from "../events/runner-jobs.js";
import type { Observation } from "../reaper/observe.js";
import { type RunnerState, runnerState } from "../reaper/runner-states.js";
import { owns, type Viewer } from "./viewer.js";

/** One row of the "active runners" table: an instance, its runner (if registered) and its job (if known). */
export interface RunnerRow {
  instanceId: string;
  runnerName: string;
  runnerId?: number;
  runnerStatus?: "online" | "offline";
  pool: string;
  org: string;
  state: RunnerState;
  instanceType: string;
  availabilityZone?: string;
  market: Market;
  launchedAt: number;
  ageSeconds: number;
  job?: {
    id: number;
    repo: string;
    workflowName?: string;
    jobName?: string;
    /** Only http(s) links: the value comes from a webhook payload and ends up in an href. */
    url?: string;
    startedAt: number;
    queueSeconds?: number;
  };
}

const STATE_ORDER: Record<RunnerState, number> = {
  busy: 0,
  idle: 1,
  booting: 2,
  launching: 3,
  terminating: 4,
};

export function runnerRows(input: {
  observation: Observation;
  jobOf: (runnerName: string) => RunnerJob | undefined;
  runnerPrefix: string;
  viewer: Viewer;
  now: number;
}): RunnerRow[] {
  const runners = new Map(input.observation.runners.map((r) => [r.name, r]));
  const rows: RunnerRow[] = [];
  for (const instance of input.observation.instances) {
    const org = instance.tags[TAG.org] ?? "";
    if (!owns(input.viewer, org)) continue;
    const runnerName = runnerNameOf(input.runnerPrefix, instance.instanceId);
    const runner = runners.get(runnerName);
    const state = runnerState(instance, runner);
    if (!state) continue;
    const job = input.jobOf(runnerName);
    rows.push({
      instanceId: instance.instanceId,
      runnerName,
      runnerId: runner?.id,
      runnerStatus: runner?.status,
      pool: instance.tags[TAG.pool] ?? "unknown",
      org,
      state,
      instanceType: instance.instanceType,
      availabilityZone: instance.availabilityZone,
      market: instance.market,
      launchedAt: instance.launchedAt,
      ageSeconds: Math.max(0, Math.floor((input.now - instance.launchedAt) / 1000)),
      job: job && {
        id: job.jobId,
        repo: job.repo,
        workflowName: job.workflowName,
        jobName: job.jobName,
        url: httpUrl(job.htmlUrl),
        startedAt: job.startedAt,
        queueSeconds: job.queueSeconds,
      },
    });
  }
  return rows.sort(
    (a, b) =>
      a.pool.localeCompare(b.pool) ||
      STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
      a.launchedAt - b.launchedAt ||
      a.instanceId.localeCompare(b.instanceId),
  );
}

export function httpUrl(value: string | undefined): string | undefined {
  if (!value || !URL.canParse(value)) return undefined;
  const { protocol } = new URL(value);
  return protocol === "https:" || protocol === "http:" ? value : undefined;
}
