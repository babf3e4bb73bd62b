import type { KeyObject } from "node:crypto";
import type {
  EmulatedJob,
  EmulatedRunner,
  OrgPlan,
  OrgRole,
  RepoVisibility,
  RunnerGroupVisibility,
} from "./types.js";

/** The emulator's internal state records. Public snapshots are built from these. */

export interface AppRecord {
  id: number;
  slug: string;
  name: string;
  nodeId: string;
  clientId: string;
  clientSecret: string;
  webhookSecret: string;
  webhookUrl: string | undefined;
  hookId: number;
  events: string[];
  permissions: Record<string, string>;
  publicKey: KeyObject;
  createdAt: number;
}

export interface OrgRecord {
  id: number;
  login: string;
  nodeId: string;
  /** Runner groups other than Default need GitHub Team or Enterprise. */
  plan: OrgPlan;
}

export interface RepoRecord {
  id: number;
  name: string;
  org: OrgRecord;
  visibility: RepoVisibility;
  nodeId: string;
  createdAt: number;
}

export interface UserRecord {
  id: number;
  login: string;
  nodeId: string;
  /** Lower-cased org login → role. */
  orgs: Map<string, OrgRole>;
  /** Lower-cased "org/team-slug". */
  teams: Set<string>;
  createdAt: number;
}

export interface InstallationRecord {
  id: number;
  app: AppRecord;
  org: OrgRecord;
  permissions: Record<string, string>;
  createdAt: number;
}

export interface RunnerGroupRecord {
  id: number;
  org: OrgRecord;
  name: string;
  visibility: RunnerGroupVisibility;
  /** Lower-cased repository names. */
  selectedRepositories: Set<string>;
  allowsPublicRepositories: boolean;
  isDefault: boolean;
}

export interface RunnerLabel {
  id: number;
  name: string;
  type: "read-only" | "custom";
}

export interface RunnerRecord extends Omit<EmulatedRunner, "labels"> {
  orgRecord: OrgRecord;
  labels: RunnerLabel[];
  /** The secret session credential inside the encoded JIT config. */
  secret: string;
  configUsed: boolean;
  sessionId: string | null;
  /** When it last became idle, to hand jobs to the longest-idle runner first. */
  idleSince: number;
}

export interface JobRecord extends EmulatedJob {
  repoRecord: RepoRecord;
  headSha: string;
  headBranch: string;
  runNumber: number;
  event: "push" | "pull_request";
  steps: JobStep[];
  /** Runners whose assignment of this job timed out; others are preferred. */
  declinedBy: Set<number>;
}

export interface JobStep {
  name: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: string | null;
  number: number;
  started_at: string | null;
  completed_at: string | null;
}

export type TokenRecord =
  | {
      kind: "installation";
      token: string;
      installation: InstallationRecord;
      expiresAt: number;
      permissions: Record<string, string>;
    }
  | { kind: "user"; token: string; user: UserRecord; app: AppRecord; expiresAt: number };
