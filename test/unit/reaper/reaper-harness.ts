import { pino } from "pino";
import { createMemoryFleet } from "../../../src/aws/memory-fleet.js";
import { TAG } from "../../../src/domain/tags.js";
import { RunnerBusyError } from "../../../src/errors.js";
import { EventLog } from "../../../src/events/event-log.js";
import { RunnerJobs } from "../../../src/events/runner-jobs.js";
import type { OrgRef } from "../../../src/github/runners.js";
import { createMetrics } from "../../../src/metrics.js";
import { type Pool, parsePoolFile } from "../../../src/pool-file.js";
import { createTerminator } from "../../../src/reaper/terminator.js";
import { createReport } from "../../../src/report/report.js";
import { ManualTimers } from "../../helpers/manual-timers.js";

const { file } = parsePoolFile(
  `version: 1
pools:
  - name: small
    labels: [self-hosted, linux, x64, mayfly-small]
    instanceTypes: [t3.large]
    image: ami-0123456789abcdef0
    subnets: [subnet-0aaaaaaaaaaaaaaa1]
    securityGroups: [sg-0123456789abcdef0]
    maxRunners: 5
`,
  "reaper.yml",
);
export const pool = file?.pools[0] as Pool;
export const PREFIX = "mayfly-";

/**
 * The reaper's middle layer over in-memory parts: the memory fleet, a real report (events, metrics,
 * silent log), a terminator batching on ManualTimers, and a runners fake that records removals.
 */
export function reaperHarness() {
  const timers = new ManualTimers();
  const fleet = createMemoryFleet({ now: timers.now, deploymentId: "d1" });
  const events = new EventLog({ now: timers.now });
  const metrics = createMetrics();
  const report = createReport({ events, metrics, log: pino({ level: "silent" }) });
  const terminator = createTerminator({ fleet, timers });
  const runnerJobs = new RunnerJobs();
  const removed: Array<{ ref: OrgRef; runnerId: number }> = [];
  const busy = new Set<number>();
  const runners = {
    async remove(ref: OrgRef, runnerId: number): Promise<"removed" | "absent"> {
      if (busy.has(runnerId)) throw new RunnerBusyError(`runner ${runnerId} is busy`);
      removed.push({ ref, runnerId });
      return "removed";
    },
  };
  async function launch(): Promise<string> {
    const [launched] = await fleet.launch({
      pool,
      instanceType: "t3.large",
      subnetId: "subnet-0aaaaaaaaaaaaaaa1",
      market: "on-demand",
      count: 1,
      clientToken: `t-${Math.random()}`,
      userData: "",
      tags: { [TAG.pool]: "small", [TAG.org]: "acme" },
    });
    if (!launched) throw new Error("no instance launched");
    fleet.setState(launched.instanceId, "running");
    return launched.instanceId;
  }
  const state = (id: string) => fleet.instances().find((i) => i.instanceId === id)?.state;
  const reaps = async () => (await metrics.registry.getSingleMetricAsString("mayfly_reaps_total")).trim();
  return {
    timers,
    fleet,
    events,
    metrics,
    report,
    terminator,
    runnerJobs,
    runners,
    removed,
    busy,
    launch,
    state,
    reaps,
  };
}
