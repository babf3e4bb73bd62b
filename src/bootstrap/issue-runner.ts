import { interruptedAt } from "../aws/ec2-mark-interrupted.js";
import type { ManagedInstance } from "../aws/fleet.js";
import {
  checkReplacement,
  type EnrolmentMark,
  formatEnrolmentMark,
  laterMark,
  MAX_ENROLMENT_ATTEMPTS,
  parseEnrolmentMark,
  planEnrolment,
} from "../domain/enrolment-mark.js";
import { runnerNameOf } from "../domain/runner-name.js";
import { TAG } from "../domain/tags.js";
import { ConfigError, RunnerBusyError, RunnerExistsError } from "../errors.js";
import type { OrgRef, Runners } from "../github/runners.js";
import type { Pool } from "../pool-file.js";
import type { EnrolResult, Refused } from "./enrol-result.js";
import type { EnrolmentTags } from "./enrolment-tags.js";
import type { InstanceLookup } from "./instance-lookup.js";

export interface IssueInput {
  /** Verified: this deployment's, of the token's pool, org and launch. */
  instance: ManagedInstance;
  pool: Pool;
  ref: OrgRef;
  signal?: AbortSignal;
}
export type IssueRunner = (input: IssueInput) => Promise<EnrolResult>;

/** The slice of GitHub's runner API enrolment uses. */
export type EnrolmentRunners = Pick<Runners, "createJitConfig" | "find" | "remove" | "runnerGroupId">;

/**
 * Issues the JIT config of a verified instance, at most once per instance (ADR 0007): the attempt is
 * recorded in the instance's `mayfly:enrolled` tag after the wait for GitHub's budget and before the
 * request is sent, and the instance's state is asked of EC2 at that moment, so no config goes to an
 * instance that is not running (finding 6). A later request may only replace a runner that never
 * connected, and only while attempts remain. GitHub's 409 on the runner name is the second lock.
 */
export function createRunnerIssuer(deps: {
  runners: EnrolmentRunners;
  tags: EnrolmentTags;
  instances: InstanceLookup;
  runnerPrefix: string;
  maxAttempts?: number;
  now: () => number;
}): IssueRunner {
  const max = deps.maxAttempts ?? MAX_ENROLMENT_ATTEMPTS;
  // This replica's own writes, which its 5 s listing and EC2's eventual consistency may not show yet.
  const written = new Map<string, EnrolmentMark>();
  const remember = (instanceId: string, mark: EnrolmentMark) => {
    written.delete(instanceId);
    written.set(instanceId, mark);
    if (written.size > 20_000) written.delete(written.keys().next().value as string);
  };

  return async function issue(input: IssueInput): Promise<EnrolResult> {
    const { instance, pool, ref } = input;
    const { instanceId } = instance;
    const refuse = (reason: Refused["reason"], detail: string, status: Refused["status"] = 403): Refused => ({
      ok: false,
      status,
      reason,
      detail,
      instanceId,
      pool: pool.name,
      org: ref.org,
    });
    const tagged = parseEnrolmentMark(instance.tags[TAG.enrolled]);
    if (tagged === "unreadable")
      return refuse("enrolment-tag-unreadable", `${TAG.enrolled}=${instance.tags[TAG.enrolled]}`);
    const mark = laterMark(tagged, written.get(instanceId));
    const plan = planEnrolment(mark, max);
    if (plan.step === "refuse") return refuse(plan.reason, `${instanceId} ${plan.detail}`);

    let runnerGroupId: number;
    try {
      runnerGroupId = await deps.runners.runnerGroupId(ref, pool.runnerGroup);
    } catch (error) {
      if (error instanceof ConfigError) return refuse("runner-group-missing", error.message, 503);
      throw error;
    }
    const runnerName = runnerNameOf(deps.runnerPrefix, instanceId);
    if (plan.step === "replace-unconnected" && mark) {
      const check = checkReplacement(await deps.runners.find(ref, runnerName), mark.state);
      if (!check.replace) return refuse(check.reason, `${runnerName}: ${check.detail}`);
      if (check.runnerId !== undefined) {
        try {
          await deps.runners.remove(ref, check.runnerId);
        } catch (error) {
          if (error instanceof RunnerBusyError)
            return refuse("replayed", `${runnerName} took a job meanwhile`);
          throw error;
        }
      }
    }

    const record = async (state: EnrolmentMark["state"]) => {
      const next = { state, attempt: plan.attempt, at: deps.now() };
      remember(instanceId, next);
      return deps.tags.write(instanceId, formatEnrolmentMark(next));
    };
    let notRunning: string | undefined;
    let interrupted = false;
    let sent = false;
    const beforeSend = async () => {
      sent = true;
      const [write, current] = await Promise.all([record("issued"), deps.instances.fresh(instanceId)]);
      if (write === "gone" || current?.state !== "running") {
        notRunning = `${instanceId} is ${current?.state ?? "gone"}`;
        throw new NotRunning(notRunning);
      }
      // The reaper tags at the warning before it looks for a runner, so a warning that lands while this
      // enrolment is under way is seen here or there: no runner is registered on a doomed instance.
      if (interruptedAt(current.tags) !== undefined) {
        interrupted = true;
        throw new NotRunning(`${instanceId} was warned of a spot interruption`);
      }
    };
    let jit: { runnerId: number; encodedJitConfig: string };
    try {
      jit = await deps.runners.createJitConfig(
        ref,
        { name: runnerName, labels: pool.labels, runnerGroupId },
        { signal: input.signal, beforeSend },
      );
    } catch (error) {
      if (notRunning !== undefined) return refuse("instance-not-running", notRunning);
      if (interrupted)
        return refuse("instance-interrupted", `${instanceId} was warned of a spot interruption`);
      if (error instanceof RunnerExistsError)
        return refuse("replayed", `${runnerName} was registered by another attempt meanwhile`);
      // Sent and failed: no config reached anyone, so this attempt does not count (a runner GitHub may
      // have created anyway never connected, and the next attempt replaces it).
      if (sent) await record("void").catch(() => undefined);
      throw error;
    }
    return {
      ok: true,
      instanceId,
      runnerName,
      runnerId: jit.runnerId,
      pool: pool.name,
      org: ref.org,
      encodedJitConfig: jit.encodedJitConfig,
      reissued: plan.attempt > 1,
    };
  };
}

class NotRunning extends Error {
  override name = "NotRunning";
}
