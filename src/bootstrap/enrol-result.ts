/** What one bootstrap request comes to: a JIT config, or a refusal with a precise reason for the log. */

export type RefusalReason =
  | "token-invalid"
  | "token-expired"
  | "identity-signature"
  | "identity-malformed"
  | "identity-account"
  | "identity-region"
  | "identity-stale"
  | "instance-not-managed"
  | "instance-not-running"
  /** EC2 warned of a spot interruption: a runner registered now would take a job and lose it (issue 14). */
  | "instance-interrupted"
  | "instance-mismatch"
  | "unknown-pool"
  /** The instance enrolled before and its runner ran (or the attempts are spent): ADR 0007. */
  | "already-enrolled"
  /** The runner of an earlier attempt connected, or another attempt won the race for the name. */
  | "replayed"
  /** The tag holds something Mayfly did not write. */
  | "enrolment-tag-unreadable"
  /** Config, not the instance: the pool's runner group does not exist. The instance asks again. */
  | "runner-group-missing";

export interface Issued {
  ok: true;
  instanceId: string;
  runnerName: string;
  runnerId: number;
  pool: string;
  org: string;
  encodedJitConfig: string;
  /** A retry whose earlier answer was lost: the never-connected runner was replaced. */
  reissued: boolean;
}

export interface Refused {
  ok: false;
  /** 503 only for a config problem the admin can fix while the instance keeps asking. */
  status: 401 | 403 | 503;
  reason: RefusalReason;
  detail: string;
  instanceId?: string;
  pool?: string;
  org?: string;
}

export type EnrolResult = Issued | Refused;

export interface EnrolRequest {
  token: string;
  identity: { document: string; signature: string };
  /** The instance hung up, or it was held long enough (route.ts): stop waiting for GitHub's write budget, so no config is issued to nobody. */
  signal?: AbortSignal;
}

export type Enrol = (request: EnrolRequest) => Promise<EnrolResult>;
