import { randomUUID } from "node:crypto";
import { generateAppKeyPair } from "./app-keys.js";
import { hex, IdSource, nodeId, randomBase62 } from "./ids.js";
import type {
  AppRecord,
  InstallationRecord,
  JobRecord,
  OrgRecord,
  RepoRecord,
  RunnerGroupRecord,
  RunnerRecord,
  TokenRecord,
  UserRecord,
} from "./records.js";
import type {
  OrgRole,
  RegisterAppInput,
  RegisteredApp,
  RepoVisibility,
  RunnerGroupVisibility,
} from "./types.js";

/** What an app may do when nothing else is said: what Mayfly's app.yml asks for. */
export const DEFAULT_APP_PERMISSIONS = {
  organization_self_hosted_runners: "write",
  // Write: Mayfly re-runs a job its spot interruption failed (POST .../actions/jobs/{id}/rerun).
  actions: "write",
  metadata: "read",
} as const;

const DEFAULT_GROUP_ID = 1;

/** The emulator's world: apps, orgs, repos, users, installations, runner groups, runners, jobs, tokens. */
export class World {
  readonly apps = new Map<number, AppRecord>();
  readonly orgs = new Map<string, OrgRecord>();
  readonly repos = new Map<string, RepoRecord>();
  readonly users = new Map<string, UserRecord>();
  readonly installations = new Map<number, InstallationRecord>();
  readonly groups = new Map<number, RunnerGroupRecord>();
  readonly runners = new Map<number, RunnerRecord>();
  readonly jobs = new Map<number, JobRecord>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly ids = {
    app: new IdSource(900_001),
    hook: new IdSource(480_000_001),
    org: new IdSource(150_000_001),
    repo: new IdSource(700_000_001),
    user: new IdSource(10_000_001),
    installation: new IdSource(50_000_001),
    group: new IdSource(DEFAULT_GROUP_ID + 1),
    runner: new IdSource(1_001),
    label: new IdSource(1),
    run: new IdSource(12_000_000_001),
    job: new IdSource(33_000_000_001),
    delivery: new IdSource(21_000_000_001),
  };
  readonly #labelIds = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  registerApp(input: RegisterAppInput): RegisteredApp {
    const id = input.id === undefined ? this.ids.app.next() : this.ids.app.claim(input.id);
    if (this.apps.has(id)) throw new Error(`app ${id} is already registered`);
    const slug = input.slug ?? input.name?.toLowerCase().replace(/[^a-z0-9]+/g, "-") ?? `app-${id}`;
    const { privateKeyPem, publicKey } = generateAppKeyPair();
    const app: AppRecord = {
      id,
      slug,
      name: input.name ?? slug,
      nodeId: nodeId("Integration", id),
      clientId: input.clientId ?? `Iv23li${randomBase62(14)}`,
      clientSecret: input.clientSecret ?? hex(20),
      webhookSecret: input.webhookSecret,
      webhookUrl: input.webhookUrl,
      hookId: this.ids.hook.next(),
      events: input.events ?? ["workflow_job"],
      permissions: { ...(input.permissions ?? DEFAULT_APP_PERMISSIONS) },
      publicKey,
      createdAt: this.#now(),
    };
    this.apps.set(id, app);
    return { id, slug, privateKeyPem, clientId: app.clientId, clientSecret: app.clientSecret };
  }

  app(appId: number): AppRecord {
    const app = this.apps.get(appId);
    if (!app) throw new Error(`unknown app ${appId}`);
    return app;
  }

  addOrg(login: string): OrgRecord {
    const existing = this.orgs.get(login.toLowerCase());
    if (existing) return existing;
    const id = this.ids.org.next();
    const org: OrgRecord = { id, login, nodeId: nodeId("Organization", id), plan: "team" };
    this.orgs.set(login.toLowerCase(), org);
    // Every org has the Default runner group, id 1, open to all repositories but not public ones:
    // "By default, only private repositories can access runners in a runner group".
    this.groups.set(this.#groupKey(org, DEFAULT_GROUP_ID), {
      id: DEFAULT_GROUP_ID,
      org,
      name: "Default",
      visibility: "all",
      selectedRepositories: new Set(),
      allowsPublicRepositories: false,
      isDefault: true,
    });
    return org;
  }

  org(login: string): OrgRecord | undefined {
    return this.orgs.get(login.toLowerCase());
  }

  addRepo(input: { owner: string; name: string; visibility: RepoVisibility }): RepoRecord {
    const org = this.addOrg(input.owner);
    const key = `${org.login}/${input.name}`.toLowerCase();
    const existing = this.repos.get(key);
    if (existing) return existing;
    const id = this.ids.repo.next();
    const repo: RepoRecord = {
      id,
      name: input.name,
      org,
      visibility: input.visibility,
      nodeId: nodeId("Repository", id),
      createdAt: this.#now(),
    };
    this.repos.set(key, repo);
    return repo;
  }

  repo(owner: string, name: string): RepoRecord | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  addUser(input: { login: string; orgs?: Record<string, OrgRole>; teams?: string[] }): UserRecord {
    const id = this.ids.user.next();
    const user: UserRecord = {
      id,
      login: input.login,
      nodeId: nodeId("User", id),
      orgs: new Map(),
      teams: new Set((input.teams ?? []).map((t) => t.toLowerCase())),
      createdAt: this.#now(),
    };
    for (const [login, role] of Object.entries(input.orgs ?? {})) {
      user.orgs.set(this.addOrg(login).login.toLowerCase(), role);
    }
    this.users.set(input.login.toLowerCase(), user);
    return user;
  }

  user(login: string): UserRecord | undefined {
    return this.users.get(login.toLowerCase());
  }

  installApp(appId: number, orgLogin: string): InstallationRecord {
    const app = this.app(appId);
    const org = this.addOrg(orgLogin);
    const existing = this.installationFor(app, org);
    if (existing) return existing;
    const installation: InstallationRecord = {
      id: this.ids.installation.next(),
      app,
      org,
      permissions: { ...app.permissions },
      createdAt: this.#now(),
    };
    this.installations.set(installation.id, installation);
    return installation;
  }

  installationFor(app: AppRecord, org: OrgRecord): InstallationRecord | undefined {
    for (const i of this.installations.values()) if (i.app === app && i.org === org) return i;
    return undefined;
  }

  addRunnerGroup(
    orgLogin: string,
    input: {
      name: string;
      visibility: RunnerGroupVisibility;
      selectedRepositories?: string[];
      allowsPublicRepositories?: boolean;
    },
  ): RunnerGroupRecord {
    const org = this.addOrg(orgLogin);
    const group: RunnerGroupRecord = {
      id: this.ids.group.next(),
      org,
      name: input.name,
      visibility: input.visibility,
      // Accept "repo" or "org/repo".
      selectedRepositories: new Set(
        (input.selectedRepositories ?? []).map((r) => (r.split("/").pop() ?? r).toLowerCase()),
      ),
      allowsPublicRepositories: input.allowsPublicRepositories ?? false,
      isDefault: false,
    };
    this.groups.set(this.#groupKey(org, group.id), group);
    return group;
  }

  group(org: OrgRecord, groupId: number): RunnerGroupRecord | undefined {
    return this.groups.get(this.#groupKey(org, groupId));
  }

  groupsOf(org: OrgRecord): RunnerGroupRecord[] {
    return [...this.groups.values()].filter((g) => g.org === org).sort((a, b) => a.id - b.id);
  }

  /** Registered runners of an org, oldest first. */
  runnersOf(org: OrgRecord): RunnerRecord[] {
    return [...this.runners.values()].filter((r) => r.orgRecord === org);
  }

  labelId(name: string): number {
    const key = name.toLowerCase();
    let id = this.#labelIds.get(key);
    if (id === undefined) {
      id = this.ids.label.next();
      this.#labelIds.set(key, id);
    }
    return id;
  }

  newGuid(): string {
    return randomUUID();
  }

  #groupKey(org: OrgRecord, id: number): number {
    // Group ids repeat across orgs (every org's Default is 1), so key by both.
    return org.id * 1_000_000 + id;
  }
}
