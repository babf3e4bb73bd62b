/**
 * Which job each runner is running, from `in_progress` webhooks. Soft state: the reaper uses it to time
 * jobs against the pool's hard maximum (falling back to the instance's launch time, which is earlier and
 * so never kills a job late) and the dashboard shows it. Bounded, oldest forgotten first.
 */

export interface RunnerJob {
  runnerName: string;
  jobId: number;
  org: string;
  repo: string;
  workflowName?: string;
  jobName?: string;
  htmlUrl?: string;
  /** Epoch ms. */
  startedAt: number;
  /** Seconds between the job's creation and its start. */
  queueSeconds?: number;
}

export class RunnerJobs {
  readonly #byRunner = new Map<string, RunnerJob>();
  readonly #capacity: number;

  constructor(capacity = 20_000) {
    this.#capacity = capacity;
  }

  record(job: RunnerJob): void {
    this.#byRunner.delete(job.runnerName);
    this.#byRunner.set(job.runnerName, job);
    if (this.#byRunner.size > this.#capacity) {
      const oldest = this.#byRunner.keys().next().value;
      if (oldest !== undefined) this.#byRunner.delete(oldest);
    }
  }

  get(runnerName: string): RunnerJob | undefined {
    return this.#byRunner.get(runnerName);
  }

  forget(runnerName: string): void {
    this.#byRunner.delete(runnerName);
  }

  startedAt(): Map<string, number> {
    return new Map([...this.#byRunner].map(([name, job]) => [name, job.startedAt]));
  }

  all(): RunnerJob[] {
    return [...this.#byRunner.values()];
  }
}
