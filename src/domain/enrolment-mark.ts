/**
 * Enrolment is single-use per instance (ADR 0007). The `mayfly:enrolled` tag records each attempt:
 * `issued/N/<time>` is written before the N-th JIT config is asked for; `void/N/<time>` after that
 * attempt failed without handing a config to anyone. These are the pure decisions over it.
 */

export type EnrolmentMark = { state: "issued" | "void"; attempt: number; at: number };

/** Attempts per instance: the first, and one retry whose answer was lost (curl timed out). */
export const MAX_ENROLMENT_ATTEMPTS = 2;

const MARK = /^(issued|void)\/([1-9]\d{0,2})\/(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)$/;

export function formatEnrolmentMark(mark: EnrolmentMark): string {
  return `${mark.state}/${mark.attempt}/${new Date(mark.at).toISOString()}`;
}

/** undefined: no tag. "unreadable": a tag Mayfly did not write in this form (refuse: fail closed). */
export function parseEnrolmentMark(value: string | undefined): EnrolmentMark | undefined | "unreadable" {
  if (value === undefined) return undefined;
  const match = MARK.exec(value);
  if (!match) return "unreadable";
  return { state: match[1] as "issued" | "void", attempt: Number(match[2]), at: Date.parse(match[3]!) };
}

/** Of two views of the same tag (EC2's, maybe stale, and this replica's own writes), the later attempt. */
export function laterMark(a: EnrolmentMark | undefined, b: EnrolmentMark | undefined) {
  if (!a || !b) return a ?? b;
  if (a.attempt !== b.attempt) return a.attempt > b.attempt ? a : b;
  return a.at >= b.at ? a : b;
}

export type EnrolmentStep =
  /** No earlier attempt is known: ask GitHub; its 409 means another attempt won meanwhile (refuse). */
  | { step: "issue"; attempt: number }
  /** An earlier config may be out there: replace its runner only if that runner never connected. */
  | { step: "replace-unconnected"; attempt: number }
  | { step: "refuse"; reason: "already-enrolled"; detail: string };

export function planEnrolment(mark: EnrolmentMark | undefined, max = MAX_ENROLMENT_ATTEMPTS): EnrolmentStep {
  if (!mark) return { step: "issue", attempt: 1 };
  // A void attempt handed no config to anyone: it does not count.
  if (mark.state === "void") return { step: "replace-unconnected", attempt: mark.attempt };
  if (mark.attempt >= max) {
    return {
      step: "refuse",
      reason: "already-enrolled",
      detail: `enrolled ${mark.attempt} times already (at most ${max})`,
    };
  }
  return { step: "replace-unconnected", attempt: mark.attempt + 1 };
}

export type ReplacementCheck =
  | { replace: true; runnerId?: number }
  | { replace: false; reason: "already-enrolled" | "replayed"; detail: string };

/**
 * The runner of an earlier attempt, as GitHub lists it. Absent: it ran its one job and GitHub removed
 * it (or the reaper did), so the instance already had its enrolment. Online or busy: it connected. Only
 * an offline, idle runner may be the lost answer's; removing it voids a config nobody ran a job with.
 */
export function checkReplacement(
  previous: { id: number; status: "online" | "offline"; busy: boolean } | undefined,
  markState: EnrolmentMark["state"],
): ReplacementCheck {
  if (!previous) {
    // A void attempt created no runner we know of; an issued one whose runner is gone was used.
    if (markState === "void") return { replace: true };
    return {
      replace: false,
      reason: "already-enrolled",
      detail: "the runner of the earlier enrolment is gone: it ran its job",
    };
  }
  if (previous.status === "online" || previous.busy) {
    return {
      replace: false,
      reason: "replayed",
      detail: `runner ${previous.id} is ${previous.busy ? "busy" : "online"}: it connected`,
    };
  }
  return { replace: true, runnerId: previous.id };
}
