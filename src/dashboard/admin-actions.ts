import type { Fleet } from "../aws/fleet.js";
import { runnerNameOf } from "../domain/runner-name.js";
import { TAG } from "../domain/tags.js";
import { RunnerBusyError } from "../errors.js";
import type { Installations } from "../github/installations.js";
import type { Runners } from "../github/runners.js";
import type { Terminator } from "../reaper/terminator.js";
import type { Report } from "../report/report.js";
import { owns, type Viewer } from "./viewer.js";

/**
 * The dashboard's two admin actions. Drain follows the reaper's rule (DESIGN.md "reaper"): the runner
 * leaves GitHub before its instance is terminated, and a busy runner is left alone (GitHub's 422 is the
 * final word, whatever our listing said). Terminate is the blunt tool: the instance goes, a job on it fails,
 * and the reaper removes the orphaned runner. Both act only on this deployment's instances of the
 * viewer's orgs, and record who did it.
 */
export type ActionOutcome =
  | { kind: "done"; message: string }
  | { kind: "not-found" }
  | { kind: "busy"; message: string };

export interface AdminActionDeps {
  fleet: Pick<Fleet, "describe">;
  runners: Pick<Runners, "list" | "remove">;
  installations: Pick<Installations, "list">;
  terminator: Pick<Terminator, "terminate">;
  report: Report;
  runnerPrefix: string;
  /** Called after a change, so the next view observes afresh. */
  changed: () => void;
}

export function createAdminActions(deps: AdminActionDeps) {
  async function find(viewer: Viewer, instanceId: string) {
    const [instance] = await deps.fleet.describe([instanceId]);
    if (!instance || instance.state === "terminated") return undefined;
    return owns(viewer, instance.tags[TAG.org]) ? instance : undefined;
  }

  function record(
    viewer: Viewer,
    reason: "admin-drain" | "admin-terminate",
    message: string,
    where: { instanceId: string; runnerName?: string; org: string | undefined; pool: string | undefined },
  ) {
    deps.report("admin.action", { reason, message, actor: viewer.login, ...where });
    deps.changed();
  }

  return {
    async drain(viewer: Viewer, instanceId: string): Promise<ActionOutcome> {
      const instance = await find(viewer, instanceId);
      if (!instance) return { kind: "not-found" };
      const org = instance.tags[TAG.org] ?? "";
      const runnerName = runnerNameOf(deps.runnerPrefix, instanceId);
      const installation = (await deps.installations.list()).find(
        (i) => i.org.toLowerCase() === org.toLowerCase(),
      );
      let removed = false;
      if (installation) {
        const ref = { installationId: installation.installationId, org: installation.org };
        const runner = (await deps.runners.list(ref, runnerName)).find((r) => r.name === runnerName);
        if (runner?.busy)
          return { kind: "busy", message: `${runnerName} is running a job; drain it when it is idle` };
        try {
          removed = runner !== undefined && (await deps.runners.remove(ref, runner.id)) === "removed";
        } catch (error) {
          if (error instanceof RunnerBusyError)
            return { kind: "busy", message: `${runnerName} just took a job` };
          throw error;
        }
      }
      await deps.terminator.terminate([instanceId]);
      const message = `${viewer.login} drained ${runnerName}: ${removed ? "runner removed, " : ""}instance terminated`;
      record(viewer, "admin-drain", message, { instanceId, runnerName, org, pool: instance.tags[TAG.pool] });
      return { kind: "done", message };
    },

    async terminate(viewer: Viewer, instanceId: string): Promise<ActionOutcome> {
      const instance = await find(viewer, instanceId);
      if (!instance) return { kind: "not-found" };
      await deps.terminator.terminate([instanceId]);
      const message = `${viewer.login} terminated instance ${instanceId}`;
      const org = instance.tags[TAG.org];
      record(viewer, "admin-terminate", message, { instanceId, org, pool: instance.tags[TAG.pool] });
      return { kind: "done", message };
    },
  };
}
export type AdminActions = ReturnType<typeof createAdminActions>;
