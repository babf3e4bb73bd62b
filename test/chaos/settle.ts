import type { Sandbox } from "../../sandbox/sandbox.js";
import type { AppCluster } from "./app-cluster.js";
import { check, LIVENESS, PERMANENT } from "./invariants.js";
import { observeState, type RunNotes } from "./observe-state.js";
import { sleep } from "./sleep.js";
import type { Trace } from "./trace.js";
import type { WorldWatch } from "./watch-world.js";

/** The redeliverer retries a GUID it redelivered only after 5 minutes (src/reaper/plan-redeliveries.ts). */
const REDELIVERY_RETRY_MS = 300_000;

export interface Settled {
  /** Milliseconds from the end of the faults; undefined if the run never settled. */
  afterMs: number | undefined;
  /** The run stopped waiting because a violation that waiting cannot undo had happened. */
  stoppedEarly: boolean;
}

/**
 * Waits until every liveness invariant holds and no message is waiting. A redelivery that itself failed
 * (its role was still restarting on a loaded machine) is retried only after five minutes, so once one is
 * seen the wait starts over after those five minutes. Stops early once a violation waiting cannot undo
 * has happened.
 */
export async function settle(
  sandbox: Sandbox,
  cluster: AppCluster,
  watch: WorldWatch,
  notes: RunNotes,
  trace: Trace,
  timeoutMs: number,
  runnerPrefix: string,
): Promise<Settled> {
  const started = Date.now();
  let deadline = started + timeoutMs;
  let stretched = false;
  let last = "";
  while (Date.now() < deadline) {
    const state = observeState(sandbox, cluster, watch, notes, runnerPrefix);
    const permanent = check(state, PERMANENT);
    if (permanent.length > 0) {
      trace.add("runner", `not waiting to settle: "${permanent[0]?.invariant}" already failed`);
      return { afterMs: undefined, stoppedEarly: true };
    }
    if (!stretched && failedRedelivery(sandbox)) {
      stretched = true;
      deadline = Math.max(deadline, Date.now() + REDELIVERY_RETRY_MS + timeoutMs);
      trace.add("runner", "a redelivery failed: waiting up to the redeliverer's 5-minute retry");
    }
    const waiting = ["mayfly-scale.fifo", "mayfly-reap.fifo"].some(
      (q) => (sandbox.sqs.queue(q)?.visible.length ?? 0) > 0,
    );
    const status = [...new Set(check(state, LIVENESS).map((v) => v.invariant))]
      .concat(waiting ? ["messages waiting"] : [])
      .join("; ");
    if (status === "") {
      trace.add("runner", "settled");
      return { afterMs: Date.now() - started, stoppedEarly: false };
    }
    if (status !== last) trace.add("runner", `not settled: ${status}`);
    last = status;
    await sleep(1_000);
  }
  trace.add("runner", `did not settle within ${Math.round((Date.now() - started) / 1000)}s`);
  return { afterMs: undefined, stoppedEarly: false };
}

function failedRedelivery(sandbox: Sandbox): boolean {
  return sandbox.github.deliveries().some((d) => d.redelivery && (d.statusCode < 200 || d.statusCode > 299));
}
