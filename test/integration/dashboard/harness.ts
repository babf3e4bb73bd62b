import type { Hono } from "hono";
import { pino } from "pino";
import type { LaunchSpec } from "../../../src/aws/fleet.js";
import { createMemoryFleet, type MemoryFleet } from "../../../src/aws/memory-fleet.js";
import type { DashboardConfig, DashboardDeps } from "../../../src/dashboard/dashboard-deps.js";
import { type Dashboard, mountDashboard } from "../../../src/dashboard/mount-dashboard.js";
import { createSessionTokens, type SessionClaims } from "../../../src/dashboard/session.js";
import { RunnerBusyError } from "../../../src/errors.js";
import { EventLog } from "../../../src/events/event-log.js";
import { RunnerJobs } from "../../../src/events/runner-jobs.js";
import type { Installation } from "../../../src/github/installations.js";
import type { GitHubRunner, OrgRef, Runners } from "../../../src/github/runners.js";
import { createHttpApp } from "../../../src/http/create-http-app.js";
import { createMetrics } from "../../../src/metrics.js";
import { createObserver } from "../../../src/reaper/observe.js";
import { createTerminator } from "../../../src/reaper/terminator.js";
import { makePool } from "../../unit/domain/make-pool.js";

/**
 * The dashboard mounted on the app's real Hono app and error handler, over in-memory fakes of its
 * adapters (memory fleet, fake GitHub runners, fixed installations). Sign-in tests add the GitHub emulator.
 */

export const PUBLIC_URL = "http://localhost:3000";
export const SESSION_KEY = new TextEncoder().encode("dashboard-session-key-for-tests-0123456789");
export const TOKEN = "dashboard-bearer-token-0123456789";
export const CSRF = "csrf-token-for-tests-0123456789abcdef";
export const PREFIX = "mayfly-";

/** GitHub's org runners, in memory, with GitHub's refusal to delete a busy runner (422). */
export class FakeRunners implements Runners {
  readonly byOrg = new Map<string, GitHubRunner[]>();
  readonly removed: Array<{ org: string; runnerId: number }> = [];
  listCalls = 0;
  /** Simulates a runner taking a job between our listing and the DELETE. */
  busyOnRemove = new Set<number>();
  /** Orgs whose runner listing fails (a GitHub outage for that installation). */
  failingOrgs = new Set<string>();
  #nextId = 1;

  add(org: string, instanceId: string, busy: boolean): GitHubRunner {
    const runner: GitHubRunner = {
      id: this.#nextId++,
      name: `${PREFIX}${instanceId}`,
      status: "online",
      busy,
      labels: ["self-hosted"],
    };
    this.byOrg.set(org, [...(this.byOrg.get(org) ?? []), runner]);
    return runner;
  }

  async list(ref: OrgRef, prefix: string): Promise<GitHubRunner[]> {
    this.listCalls += 1;
    if (this.failingOrgs.has(ref.org)) throw new Error(`GitHub 502 for ${ref.org}`);
    return (this.byOrg.get(ref.org) ?? []).filter((r) => r.name.startsWith(prefix)).map((r) => ({ ...r }));
  }

  async remove(ref: OrgRef, runnerId: number): Promise<"removed" | "absent"> {
    const runners = this.byOrg.get(ref.org) ?? [];
    const runner = runners.find((r) => r.id === runnerId);
    if (!runner) return "absent";
    if (runner.busy || this.busyOnRemove.has(runnerId))
      throw new RunnerBusyError(`runner ${runnerId} is running a job`);
    this.byOrg.set(
      ref.org,
      runners.filter((r) => r !== runner),
    );
    this.removed.push({ org: ref.org, runnerId });
    return "removed";
  }

  async createJitConfig(): Promise<never> {
    throw new Error("not used by the dashboard");
  }

  async find(ref: OrgRef, name: string): Promise<GitHubRunner | undefined> {
    return (this.byOrg.get(ref.org) ?? []).find((r) => r.name === name);
  }

  async runnerGroupId(): Promise<never> {
    throw new Error("not used by the dashboard");
  }
}

export interface Harness {
  app: Hono;
  dashboard: Dashboard;
  events: EventLog;
  runnerJobs: RunnerJobs;
  fleet: MemoryFleet;
  runners: FakeRunners;
  metrics: ReturnType<typeof createMetrics>;
  observeCalls: () => number;
  /** The clock shared by the fleet, the observer and the dashboard; starts at the real time. */
  advance(ms: number): void;
  /** Launches `count` instances of the pool for the org; returns their ids. */
  launch(
    org: string,
    options?: { pool?: string; market?: "spot" | "on-demand"; fleet?: MemoryFleet },
  ): Promise<string>;
  close(): void;
}

export const INSTALLATIONS: Installation[] = [
  { installationId: 11, org: "acme" },
  { installationId: 12, org: "globex" },
];

export function testConfig(overrides: Partial<DashboardConfig> = {}): DashboardConfig {
  return {
    publicUrl: PUBLIC_URL,
    runnerPrefix: PREFIX,
    pools: [
      makePool({ name: "linux", maxRunners: 4 }),
      makePool({ name: "arm", instanceTypes: ["c7g.large"], maxRunners: 2 }),
    ],
    prices: { "m7i.large": { onDemand: 0.1, spot: 0.04 }, "c7g.large": { onDemand: 0.07 } },
    volumePrices: { gp3: 0.08 },
    github: {
      webUrl: "http://github.invalid",
      apiUrl: "http://api.github.invalid",
      clientId: "Iv1.test",
      clientSecret: "secret",
    },
    dashboard: { sessionKey: SESSION_KEY, token: TOKEN, team: undefined },
    ...overrides,
  };
}

export function createHarness(
  options: { config?: DashboardConfig; deps?: Partial<DashboardDeps> } = {},
): Harness {
  const log = pino({ level: "silent" });
  let clock = Date.now();
  const now = () => clock;
  const fleet = createMemoryFleet({ now });
  const runners = new FakeRunners();
  const events = new EventLog();
  const runnerJobs = new RunnerJobs();
  const metrics = createMetrics();
  const installations = { list: async () => INSTALLATIONS };
  const observer = createObserver({
    fleet,
    runners,
    installations: installations as never,
    runnerPrefix: PREFIX,
    now,
  });
  let observeCalls = 0;
  const app = createHttpApp(log);
  const dashboard = mountDashboard(app, {
    config: options.config ?? testConfig(),
    observe: () => {
      observeCalls += 1;
      return observer();
    },
    events,
    runnerJobs,
    runners,
    fleet,
    terminator: createTerminator({ fleet, windowMs: 1, spacingMs: 1 }),
    installations,
    metrics,
    log,
    now,
    ...options.deps,
  });
  dashboard.start();
  let launches = 0;
  return {
    app,
    dashboard,
    events,
    runnerJobs,
    fleet,
    runners,
    metrics,
    observeCalls: () => observeCalls,
    advance: (ms) => {
      clock += ms;
    },
    async launch(org, launchOptions = {}) {
      const pool = (options.config ?? testConfig()).pools.find(
        (p) => p.name === (launchOptions.pool ?? "linux"),
      )!;
      const spec: LaunchSpec = {
        pool,
        instanceType: pool.instanceTypes[0]!,
        subnetId: "subnet-0000000a",
        market: launchOptions.market ?? "on-demand",
        count: 1,
        clientToken: `launch-${++launches}`,
        userData: "",
        tags: { "mayfly:pool": pool.name, "mayfly:org": org },
      };
      const [instance] = await (launchOptions.fleet ?? fleet).launch(spec);
      return instance!.instanceId;
    },
    close: () => dashboard.stop(),
  };
}

/** A JSON body, typed by the caller (the API's own view-model types, or an error body). */
export async function json<T = { error: string; message: string }>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** A session cookie as sign-in would set it (`mayfly_session`: publicUrl is plain-http localhost). */
export async function sessionCookie(
  login: string,
  orgs: SessionClaims["orgs"],
  options: { now?: () => number; key?: Uint8Array } = {},
): Promise<string> {
  const tokens = createSessionTokens({
    key: options.key ?? SESSION_KEY,
    publicUrl: PUBLIC_URL,
    now: options.now ?? Date.now,
  });
  return `mayfly_session=${await tokens.issue(login, { orgs, csrf: CSRF })}`;
}
