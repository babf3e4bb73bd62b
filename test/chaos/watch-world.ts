import type { EmulatorEvent } from "../../emulators/src/github/types.js";
import type { Sandbox } from "../../sandbox/sandbox.js";
import type { Trace } from "./trace.js";

/**
 * Watches the outside world while a chaos run goes on: GitHub's job, runner and delivery events, EC2
 * instance state changes and the simulated runner agents all go into the trace, and an instance that
 * leaves `running` while its runner still runs a job is recorded as a busy runner terminated (the agent
 * itself powers off only after its job completed, and no run lasts as long as a pool's job timeout),
 * or, when EC2 reclaimed it, as a job cut short by a spot interruption.
 */
const SPOT_TERMINATION = "Server.SpotInstanceTermination";

export interface BusyTermination {
  instanceId: string;
  jobId: number;
  atMs: number;
  state: string;
  /** EC2 reclaimed it (state reason `Server.SpotInstanceTermination`): not the app's doing. */
  spotInterruption?: boolean;
}

export interface WorldWatch {
  readonly busyTerminations: readonly BusyTermination[];
  stop(): void;
}

export function watchWorld(sandbox: Sandbox, trace: Trace, runnerPrefix: string): WorldWatch {
  const busyTerminations: BusyTermination[] = [];
  const offGitHub = sandbox.github.onEvent((event) => trace.add("github", describeEvent(event)));
  const offEc2 = sandbox.ec2.onInstanceStateChange((instance, previous) => {
    trace.add(
      "ec2",
      `${instance.instanceId} ${previous} -> ${instance.state} ${instance.stateReason?.code ?? ""}`.trim(),
    );
    if (previous !== "running" || instance.state === "running") return;
    const runnerName = `${runnerPrefix}${instance.instanceId}`;
    const job = sandbox.github.jobs().find((j) => j.status === "in_progress" && j.runnerName === runnerName);
    if (!job) return;
    const spot = instance.stateReason?.code === SPOT_TERMINATION;
    busyTerminations.push({
      instanceId: instance.instanceId,
      jobId: job.id,
      atMs: trace.elapsed(),
      state: instance.state,
      ...(spot ? { spotInterruption: true } : {}),
    });
    trace.add(
      "check",
      spot
        ? `${instance.instanceId} was reclaimed by a spot interruption while running job ${job.id}`
        : `VIOLATION: ${instance.instanceId} went ${instance.state} while running job ${job.id}`,
    );
  });
  let seen = 0;
  const agents = setInterval(() => {
    const events = sandbox.agents.events;
    for (; seen < events.length; seen++) trace.add("agent", JSON.stringify(events[seen]));
  }, 200);
  agents.unref();
  return {
    busyTerminations,
    stop() {
      offGitHub();
      offEc2();
      clearInterval(agents);
    },
  };
}

function describeEvent(event: EmulatorEvent): string {
  if (event.type === "webhook.delivered") {
    const d = event.delivery;
    const jobId = (d.payload as { workflow_job?: { id?: number } } | undefined)?.workflow_job?.id;
    const flags = [d.redelivery ? "redelivery" : "", d.dropped ? "dropped" : ""].filter(Boolean).join(",");
    return `webhook ${d.event}.${d.action ?? ""} job ${jobId ?? "-"} guid ${d.guid.slice(0, 8)} -> ${d.statusCode} ${flags}`.trim();
  }
  if (event.type.startsWith("runner.") && "runner" in event && event.runner) {
    return `runner ${event.runner.name} ${event.type.slice("runner.".length)}`;
  }
  if ("job" in event) {
    const j = event.job;
    const on = event.runner?.name ? ` on ${event.runner.name}` : "";
    const what =
      event.type === "job.completed" ? `completed ${j.conclusion}` : event.type.slice("job.".length);
    return `job ${j.id} ${what}${on}${event.type === "job.queued" ? ` ${j.repo} [${j.labels.join(",")}]` : ""}`;
  }
  return event.type;
}
