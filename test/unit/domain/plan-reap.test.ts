import { describe, expect, it } from "vitest";
import {
  type ObservedInstance,
  type ObservedRunner,
  planReap,
  type ReapAction,
  type ReapInput,
  type ReapReason,
  trackIdle,
} from "../../../src/domain/plan-reap.js";
import { makePool } from "./make-pool.js";

const NOW = Date.parse("2025-06-01T12:00:00Z");
const S = 1000;
const PREFIX = "mayfly-";
// boot 5m, idle 10m, job 1h → max lifetime 4500 s.
const pool = makePool({ name: "p", timeouts: { boot: 300, idle: 600, job: 3600 } });

const inst = (
  id: string,
  ageMs: number,
  state: ObservedInstance["state"] = "running",
  p: string | undefined = "p",
) => ({
  instanceId: id,
  pool: p,
  state,
  launchedAt: NOW - ageMs,
});
const runner = (
  id: number,
  instanceId: string,
  busy = false,
  status: ObservedRunner["status"] = "online",
) => ({
  id,
  name: PREFIX + instanceId,
  status,
  busy,
});
const plan = (over: Partial<ReapInput>): ReapAction[] =>
  planReap({
    now: NOW,
    instances: [],
    runners: [],
    pools: [pool],
    runnerPrefix: PREFIX,
    idleSince: new Map(),
    jobStartedAt: new Map(),
    registered: new Set(),
    ...over,
  });
const ago = (name: string, ms: number) => new Map([[PREFIX + name, NOW - ms]]);

interface Row {
  case: string;
  input: Partial<ReapInput>;
  expected: ReapAction[];
}

// Most rows are about instance i-a and its runner 7.
const terminate = (reason: ReapReason, detail: string, runnerId?: number): ReapAction =>
  runnerId === undefined
    ? { kind: "terminate", instanceId: "i-a", reason, detail }
    : { kind: "terminate", instanceId: "i-a", runnerId, reason, detail };
const removeThenTerminate = (reason: ReapReason, detail: string): ReapAction => ({
  kind: "remove-runner",
  runnerId: 7,
  runnerName: "mayfly-i-a",
  instanceId: "i-a",
  reason,
  detail,
});
const removeOrphan = (instanceId: string, detail: string): ReapAction => ({
  kind: "remove-runner",
  runnerId: 7,
  runnerName: PREFIX + instanceId,
  reason: "runner-without-instance",
  detail,
});
const rogue = (instanceId: string, detail: string): ReapAction => ({
  ...removeOrphan(instanceId, detail),
  reason: "rogue-runner",
});
const busy = runner(7, "i-a", true);
const idle = runner(7, "i-a");
const STOPPED = "instance is stopped (launches set shutdown to terminate)";
const LIFETIME = "age 4500.001s > max lifetime 4500s (boot + idle + job)";
const GONE = 'pool "gone" is not in config, default timeouts: ';

const rows: Row[] = [
  // Instances that are already going away.
  {
    case: "shutting-down is ignored",
    input: { instances: [inst("i-a", 99_999 * S, "shutting-down")] },
    expected: [],
  },
  {
    case: "terminated is ignored",
    input: { instances: [inst("i-a", 99_999 * S, "terminated")] },
    expected: [],
  },
  // Stopped.
  {
    case: "stopped → terminate",
    input: { instances: [inst("i-a", 10 * S, "stopped")] },
    expected: [terminate("stopped", STOPPED)],
  },
  {
    case: "stopping with an idle runner → terminate, then remove the runner",
    input: { instances: [inst("i-a", 10 * S, "stopping")], runners: [runner(7, "i-a", false, "offline")] },
    expected: [terminate("stopped", "instance is stopping (launches set shutdown to terminate)", 7)],
  },
  {
    case: "stopped with a busy runner is left until the job limits",
    input: { instances: [inst("i-a", 10 * S, "stopped")], runners: [runner(7, "i-a", true, "offline")] },
    expected: [],
  },
  // Busy runners: only the job timeout or the max lifetime.
  {
    case: "busy, job exactly at the job timeout → keep",
    input: { instances: [inst("i-a", 4000 * S)], runners: [busy], jobStartedAt: ago("i-a", 3600 * S) },
    expected: [],
  },
  {
    case: "busy, job 1 ms past the job timeout → terminate",
    input: { instances: [inst("i-a", 4000 * S)], runners: [busy], jobStartedAt: ago("i-a", 3600 * S + 1) },
    expected: [terminate("job-timeout", "job 3600.001s > job timeout 3600s", 7)],
  },
  {
    case: "busy, job start unknown: counted from launch",
    input: { instances: [inst("i-a", 3601 * S)], runners: [busy] },
    expected: [terminate("job-timeout", "job 3601s > job timeout 3600s", 7)],
  },
  {
    case: "busy, idle since long ago (stale) does not matter",
    input: { instances: [inst("i-a", 3000 * S)], runners: [busy], idleSince: ago("i-a", 2000 * S) },
    expected: [],
  },
  {
    case: "busy, late job, instance exactly at max lifetime → keep",
    input: { instances: [inst("i-a", 4500 * S)], runners: [busy], jobStartedAt: ago("i-a", 100 * S) },
    expected: [],
  },
  {
    case: "busy, late job, instance 1 ms past max lifetime → terminate",
    input: { instances: [inst("i-a", 4500 * S + 1)], runners: [busy], jobStartedAt: ago("i-a", 100 * S) },
    expected: [terminate("max-lifetime", LIFETIME, 7)],
  },
  // Idle runners: removed from GitHub first.
  {
    case: "idle exactly at the idle timeout → keep",
    input: { instances: [inst("i-a", 1000 * S)], runners: [idle], idleSince: ago("i-a", 600 * S) },
    expected: [],
  },
  {
    case: "idle 1 ms past the idle timeout → remove runner, then terminate",
    input: { instances: [inst("i-a", 1000 * S)], runners: [idle], idleSince: ago("i-a", 600 * S + 1) },
    expected: [removeThenTerminate("idle-timeout", "idle 600.001s > idle timeout 600s")],
  },
  {
    case: "idle, offline runner counts the same",
    input: {
      instances: [inst("i-a", 1000 * S)],
      runners: [runner(7, "i-a", false, "offline")],
      idleSince: ago("i-a", 612 * S),
    },
    expected: [removeThenTerminate("idle-timeout", "idle 612s > idle timeout 600s")],
  },
  {
    case: "idle, first seen idle now → keep",
    input: { instances: [inst("i-a", 4000 * S)], runners: [idle] },
    expected: [],
  },
  {
    case: "idle briefly but past max lifetime → remove runner, then terminate",
    input: { instances: [inst("i-a", 4500 * S + 1)], runners: [idle], idleSince: ago("i-a", 5 * S) },
    expected: [removeThenTerminate("max-lifetime", LIFETIME)],
  },
  // Instances without a runner.
  {
    case: "booting exactly at the boot timeout → keep",
    input: { instances: [inst("i-a", 300 * S, "pending")] },
    expected: [],
  },
  {
    case: "never registered, 1 ms past the boot timeout → terminate",
    input: { instances: [inst("i-a", 300 * S + 1, "pending")] },
    expected: [terminate("boot-timeout", "never registered: age 300.001s > boot timeout 300s")],
  },
  {
    case: "registered once, runner gone, past the boot timeout → terminate",
    input: { instances: [inst("i-a", 900 * S)], registered: new Set(["i-a"]) },
    expected: [
      terminate("instance-without-runner", "runner gone, instance still up: age 900s > boot timeout 300s"),
    ],
  },
  {
    case: "registered, runner gone, within the boot timeout → keep",
    input: { instances: [inst("i-a", 200 * S)], registered: new Set(["i-a"]) },
    expected: [],
  },
  // Runners without a live instance.
  {
    case: "idle runner, instance just terminated (EC2 still shows it) → remove it",
    input: { runners: [runner(7, "i-gone")], knownInstanceIds: new Set(["i-gone"]) },
    expected: [removeOrphan("i-gone", "no pending or running instance i-gone (runner online)")],
  },
  {
    case: "busy offline runner, no instance → remove it",
    input: { runners: [runner(7, "i-gone", true, "offline")] },
    expected: [removeOrphan("i-gone", "no pending or running instance i-gone (runner offline, busy)")],
  },
  {
    case: "busy online runner, instance just terminated → keep until GitHub lets go",
    input: { runners: [runner(7, "i-gone", true)], knownInstanceIds: new Set(["i-gone"]) },
    expected: [],
  },
  {
    case: "idle online runner that no instance of ours ever had → rogue, remove it",
    input: { runners: [runner(7, "i-rogue")] },
    expected: [rogue("i-rogue", "runner online with no instance i-rogue of this deployment in any state")],
  },
  {
    case: "busy online runner that no instance of ours ever had → rogue, remove it (GitHub may refuse)",
    input: { runners: [runner(7, "i-rogue", true)] },
    expected: [
      rogue("i-rogue", "runner online, busy with no instance i-rogue of this deployment in any state"),
    ],
  },
  {
    case: "offline runner that no instance ever had → an ordinary leftover, not rogue",
    input: { runners: [runner(7, "i-rogue", false, "offline")] },
    expected: [removeOrphan("i-rogue", "no pending or running instance i-rogue (runner offline)")],
  },
  {
    case: "online runner of a shutting-down instance → not rogue",
    input: { instances: [inst("i-a", 50 * S, "shutting-down")], runners: [runner(7, "i-a", true)] },
    expected: [],
  },
  {
    case: "runner whose instance is shutting down → remove it",
    input: {
      instances: [inst("i-a", 50 * S, "shutting-down")],
      runners: [runner(7, "i-a", false, "offline")],
    },
    expected: [removeOrphan("i-a", "no pending or running instance i-a (runner offline)")],
  },
  {
    case: "runners of another prefix are not ours",
    input: { runners: [{ id: 9, name: "other-i-a", status: "offline", busy: false }] },
    expected: [],
  },
  // Instances of pools no longer in config: default timeouts 5m / 10m / 6h.
  {
    case: "unknown pool, no runner, past the default boot timeout",
    input: { instances: [inst("i-a", 301 * S, "running", "gone")] },
    expected: [terminate("unknown-pool", `${GONE}never registered: age 301s > boot timeout 300s`)],
  },
  {
    case: "no pool tag, idle past the default idle timeout",
    input: {
      instances: [{ ...inst("i-a", 700 * S), pool: undefined }],
      runners: [idle],
      idleSince: ago("i-a", 601 * S),
    },
    expected: [
      removeThenTerminate("unknown-pool", "no pool tag, default timeouts: idle 601s > idle timeout 600s"),
    ],
  },
  {
    case: "unknown pool, busy exactly at the default job timeout → keep",
    input: { instances: [inst("i-a", 21_600 * S, "running", "gone")], runners: [busy] },
    expected: [],
  },
  {
    case: "unknown pool, busy past the default job timeout",
    input: { instances: [inst("i-a", 21_600 * S + 1, "running", "gone")], runners: [busy] },
    expected: [terminate("unknown-pool", `${GONE}job 21600.001s > job timeout 21600s`, 7)],
  },
  {
    case: "unknown pool, stopped → stopped",
    input: { instances: [inst("i-a", 10 * S, "stopped", "gone")] },
    expected: [terminate("stopped", STOPPED)],
  },
  {
    case: "unknown pool, young and idle → keep",
    input: { instances: [inst("i-a", 100 * S, "running", "gone")], runners: [idle] },
    expected: [],
  },
];

describe("planReap", () => {
  it.each(rows)("$case", ({ input, expected }) => {
    expect(plan(input)).toStrictEqual(expected);
  });

  it("sorts instance actions by instance id, then orphan runners by name", () => {
    const actions = plan({
      instances: [inst("i-c", 400 * S), inst("i-a", 400 * S, "stopped"), inst("i-b", 400 * S)],
      runners: [runner(3, "i-z"), runner(2, "i-b"), runner(1, "i-y")],
      idleSince: ago("i-b", 601 * S),
      knownInstanceIds: new Set(["i-y", "i-z"]),
    });
    expect(actions.map((a) => `${a.reason} ${a.kind === "terminate" ? a.instanceId : a.runnerName}`)).toEqual(
      [
        "stopped i-a",
        "idle-timeout mayfly-i-b",
        "boot-timeout i-c",
        "runner-without-instance mayfly-i-y",
        "runner-without-instance mayfly-i-z",
      ],
    );
  });

  it("uses each pool's own timeouts", () => {
    const slow = makePool({ name: "slow", timeouts: { boot: 900, idle: 600, job: 3600 } });
    const actions = plan({
      pools: [pool, slow],
      instances: [inst("i-a", 600 * S, "pending", "p"), inst("i-b", 600 * S, "pending", "slow")],
    });
    expect(actions.map((a) => a.kind === "terminate" && a.instanceId)).toEqual(["i-a"]);
  });
});

describe("trackIdle", () => {
  it("keeps first-seen idle times, starts new ones at now, drops busy and vanished runners", () => {
    const previous = new Map([
      ["mayfly-i-a", NOW - 100 * S],
      ["mayfly-i-b", NOW - 50 * S],
      ["mayfly-i-gone", NOW - 10 * S],
    ]);
    const next = trackIdle(
      previous,
      [runner(1, "i-a"), runner(2, "i-b", true), runner(3, "i-c", false, "offline")],
      NOW,
    );
    expect([...next]).toEqual([
      ["mayfly-i-a", NOW - 100 * S],
      ["mayfly-i-c", NOW],
    ]);
    expect(previous.size).toBe(3);
  });

  it("restarts the idle clock of a runner seen busy in between", () => {
    const first = trackIdle(new Map(), [runner(1, "i-a")], NOW - 500 * S);
    const busy = trackIdle(first, [runner(1, "i-a", true)], NOW - 400 * S);
    expect(trackIdle(busy, [runner(1, "i-a")], NOW).get("mayfly-i-a")).toBe(NOW);
  });
});

describe("planReap with warm capacity (issue 13)", () => {
  // boot 5m, idle 10m, job 1h; warm instances live up to a day.
  const warmPool = makePool({
    name: "w",
    timeouts: { boot: 300, idle: 600, job: 3600 },
    warm: { hot: 1, stopped: 1, schedules: [], maxAge: 86_400 },
  });
  const warm = (role: "hot" | "stopped", ageMs: number, state: ObservedInstance["state"], p = "w") => ({
    ...inst("i-a", ageMs, state, p),
    warm: role,
  });
  const warmRows: Row[] = [
    {
      case: "a stopped pool's instance waits stopped, days after its launch",
      input: { instances: [warm("stopped", 3 * 86_400 * S, "stopped")] },
      expected: [],
    },
    {
      case: "a stopped instance that lost its warm tag (claimed) is an ordinary stopped one",
      input: { instances: [{ ...inst("i-a", 10 * S, "stopped", "w") }] },
      expected: [terminate("stopped", STOPPED)],
    },
    {
      case: "a hot runner idle past the idle timeout is kept",
      input: {
        instances: [warm("hot", 3_000 * S, "running")],
        runners: [idle],
        idleSince: ago("i-a", 2_000 * S),
      },
      expected: [],
    },
    {
      case: "a hot runner just past the warm maximum age is kept while planWarm brings its replacement",
      input: {
        instances: [warm("hot", 90_000 * S, "running")],
        runners: [idle],
        idleSince: ago("i-a", 86_400 * S + 1),
      },
      expected: [],
    },
    {
      case: "a hot runner idle past maximum age + boot + idle is removed (backstop for planWarm)",
      input: {
        instances: [warm("hot", 90_000 * S, "running")],
        runners: [idle],
        idleSince: ago("i-a", 87_300 * S + 1),
      },
      expected: [removeThenTerminate("idle-timeout", "idle 87300.001s > idle timeout 87300s")],
    },
    {
      case: "a hot instance that never registered is still reaped at the boot timeout",
      input: { instances: [warm("hot", 301 * S, "running")] },
      expected: [terminate("boot-timeout", "never registered: age 301s > boot timeout 300s")],
    },
    {
      case: "a hot tag in a pool with no warm key gets no exemption",
      input: {
        instances: [warm("hot", 3_000 * S, "running", "p")],
        runners: [idle],
        idleSince: ago("i-a", 2_000 * S),
      },
      expected: [removeThenTerminate("idle-timeout", "idle 2000s > idle timeout 600s")],
    },
  ];
  it.each(warmRows)("$case", ({ input, expected }) => {
    expect(plan({ pools: [pool, warmPool], ...input })).toStrictEqual(expected);
  });
});
