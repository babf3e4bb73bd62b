/**
 * Which job each runner is running, from `in_progress` webhooks. Soft state: the reaper uses it to time
 * jobs against the pool's hard maximum (falling back to the instance's launch time, which is earlier and
 * so never kills a job late), the dashboard shows it, and the scaler's recheck skips GitHub for a job seen
 * started. Bounded, oldest forgotten first.
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
  /** Ids of jobs seen started, kept after their runner is forgotten: the scaler's recheck reads them. */
  readonly #started = new Set<number>();
  readonly #capacity: number;

  constructor(capacity = 20_000) {
    this.#capacity = capacity;
  }

  /** The job started on some runner (an `in_progress` or a `completed` with a runner was received). */
  noteStarted(jobId: number): void {
    this.#started.delete(jobId);
    this.#started.add(jobId);
    if (this.#started.size > this.#capacity) {
      const oldest = this.#started.values().next().value;
      if (oldest !== undefined) this.#started.delete(oldest);
    }
  }

  started(jobId: number): boolean {
    return this.#started.has(jobId);
  }

  record(job: RunnerJob): void {
    this.noteStarted(job.jobId);
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
