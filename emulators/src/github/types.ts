/** Public types of the GitHub emulator (see emulator.ts). */

export const JOB_CONCLUSIONS = ["success", "failure", "cancelled"] as const;
export type JobConclusion = (typeof JOB_CONCLUSIONS)[number];
export type RequestedConclusion = "success" | "failure";
export type JobStatus = "queued" | "in_progress" | "completed";
export type RepoVisibility = "public" | "private" | "internal";
export type RunnerGroupVisibility = "all" | "selected" | "private";
/** The org's GitHub plan: runner groups other than Default need Team or Enterprise. */
export type OrgPlan = "free" | "team" | "enterprise";
export type OrgRole = "admin" | "member";

export interface GitHubEmulatorOptions {
  host?: string;
  port?: number;
  /** Added to every API answer. */
  latencyMs?: number;
  /** An assigned runner that does not start the job in time → the job goes back to the queue. GitHub: 60 s. */
  assignTimeoutMs?: number;
  /** A job nobody runs is cancelled after this. GitHub: 24 h. */
  maxQueueMs?: number;
  /** A runner session that stops polling for this long goes offline. */
  runnerOfflineAfterMs?: number;
  /** GitHub gives up on a webhook delivery after 10 s. */
  webhookTimeoutMs?: number;
  rateLimits?: RateLimitOptions;
  /** The emulator's clock (default Date.now), e.g. to expire a manifest code in a test. */
  now?: () => number;
}

export interface RateLimitOptions {
  /** Primary limit per installation token / app JWT / user token per hour (GitHub: 5,000). */
  primaryPerHour?: number;
  /** Secondary limit: points per minute per endpoint (GitHub: 900; GET 1, writes 5). */
  secondaryPointsPerMinute?: number;
  /** Secondary limit: concurrent requests (GitHub: 100). */
  maxConcurrent?: number;
  /** Runner registrations (generate-jitconfig) per org per 5 minutes, all Apps together (GitHub: 1,500). */
  registrationsPer5Minutes?: number;
  enabled?: boolean;
}

export interface RegisterAppInput {
  id?: number;
  slug?: string;
  name?: string;
  webhookUrl?: string;
  webhookSecret: string;
  clientId?: string;
  clientSecret?: string;
  events?: string[];
  permissions?: Record<string, string>;
}

export interface RegisteredApp {
  id: number;
  slug: string;
  /** PKCS#1 RSA private key (`BEGIN RSA PRIVATE KEY`), what Probot accepts. */
  privateKeyPem: string;
  clientId: string;
  clientSecret: string;
}

export interface EnqueueJobInput {
  org: string;
  /** Repository name (not the full name). */
  repo: string;
  labels: string[];
  durationMs: number;
  conclusion?: RequestedConclusion;
  fromFork?: boolean;
  workflowName?: string;
  jobName?: string;
}

export interface EmulatedJob {
  id: number;
  runId: number;
  runAttempt: number;
  org: string;
  repo: string;
  repositoryId: number;
  labels: string[];
  durationMs: number;
  requestedConclusion: RequestedConclusion;
  fromFork: boolean;
  workflowName: string;
  jobName: string;
  status: JobStatus;
  conclusion: JobConclusion | null;
  /** Epoch milliseconds. */
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  /** The runner the job was handed to and that has not started it yet. */
  assignedRunnerId: number | null;
  assignedAt: number | null;
  runnerId: number | null;
  runnerName: string | null;
  runnerGroupId: number | null;
  runnerGroupName: string | null;
  cancelRequested: boolean;
  /** How many times an assignment timed out or was lost and the job went back to the queue. */
  requeues: number;
}

export interface EmulatedRunner {
  id: number;
  name: string;
  org: string;
  runnerGroupId: number;
  labels: string[];
  os: string;
  status: "online" | "offline";
  busy: boolean;
  ephemeral: true;
  /** The job assigned to or running on this runner. */
  jobId: number | null;
  createdAt: number;
  connectedAt: number | null;
  removedAt: number | null;
}

export interface EmulatedDelivery {
  id: number;
  guid: string;
  appId: number;
  hookId: number;
  /** Epoch milliseconds. */
  deliveredAt: number;
  redelivery: boolean;
  durationMs: number;
  /** "OK" or the error text GitHub would show. */
  status: string;
  statusCode: number;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  url: string;
  requestHeaders: Record<string, string>;
  payload: unknown;
  responseHeaders: Record<string, string>;
  responseBody: string;
  /** Dropped by a `dropWebhooks` rule (never sent). */
  dropped: boolean;
}

export type EmulatorEvent =
  | {
      type: "job.queued" | "job.assigned" | "job.started" | "job.completed" | "job.requeued";
      at: number;
      job: EmulatedJob;
      runner?: EmulatedRunner;
    }
  | {
      type: "runner.created" | "runner.online" | "runner.offline" | "runner.removed";
      at: number;
      runner: EmulatedRunner;
    }
  | { type: "webhook.delivered"; at: number; delivery: EmulatedDelivery };

export interface DropWebhooksRule {
  count?: number;
  probability?: number;
  action?: string;
  seed?: number;
}

export interface DuplicateWebhooksRule {
  count?: number;
  probability?: number;
}

export interface FailNextRule {
  method?: string;
  /** A RegExp tested against the path, or a string equal to the path or to the route template. */
  path: RegExp | string;
  status: number;
  count: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface EmulatorStats {
  /** "POST /orgs/{org}/actions/runners/generate-jitconfig" → n */
  calls: Record<string, number>;
  byStatus: Record<number, number>;
  primaryLimited: number;
  secondaryLimited: number;
  /** Answers refusing a runner registration over the org's limit (not in secondaryLimited). */
  registrationLimited: number;
  /** Successful JIT configs created in each minute since the emulator started. */
  jitConfigsPerMinute: number[];
}

export interface GitHubEmulator {
  /** API base URL; the API also answers under `/api/v3/...` (GHE style). */
  url: string;
  registerApp(app: RegisterAppInput): RegisteredApp;
  setWebhookUrl(appId: number, url: string): void;
  addOrg(login: string): void;
  /** Orgs start on "team"; on "free", creating a runner group answers 403 as GitHub does. */
  setOrgPlan(org: string, plan: OrgPlan): void;
  addRepo(repo: { owner: string; name: string; visibility: RepoVisibility }): {
    id: number;
    fullName: string;
  };
  addUser(user: { login: string; orgs?: Record<string, OrgRole>; teams?: string[] }): { id: number };
  installApp(appId: number, org: string): { installationId: number };
  addRunnerGroup(
    org: string,
    group: {
      name: string;
      visibility: RunnerGroupVisibility;
      selectedRepositories?: string[];
      allowsPublicRepositories?: boolean;
    },
  ): { id: number };
  enqueueJob(job: EnqueueJobInput): EmulatedJob;
  cancelJob(jobId: number): void;
  job(jobId: number): EmulatedJob | undefined;
  jobs(): EmulatedJob[];
  runners(org: string): EmulatedRunner[];
  /** Every webhook attempt, oldest first. */
  deliveries(): EmulatedDelivery[];
  dropWebhooks(rule: DropWebhooksRule): void;
  duplicateWebhooks(rule: DuplicateWebhooksRule): void;
  failNext(rule: FailNextRule): void;
  setLatency(ms: number): void;
  stats(): EmulatorStats;
  onEvent(listener: (e: EmulatorEvent) => void): () => void;
  stop(): Promise<void>;
}
