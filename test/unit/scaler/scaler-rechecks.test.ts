import pino from "pino";
import { describe, expect, it } from "vitest";
import { EventLog } from "../../../src/events/event-log.js";
import type { Jobs } from "../../../src/github/jobs.js";
import { parsePoolFile } from "../../../src/pool-file.js";
import type { ReceivedMessage } from "../../../src/queue/job-queue.js";
import type { ScaleMessage } from "../../../src/queue/messages.js";
import { EnrolmentBudget } from "../../../src/scaler/enrolment-budget.js";
import type { Inventory } from "../../../src/scaler/inventory.js";
import type { Launcher } from "../../../src/scaler/launcher.js";
import { RecheckBudget } from "../../../src/scaler/recheck-budget.js";
import { createScaler } from "../../../src/scaler/scaler.js";

const pools = parsePoolFile(
  `version: 1
pools:
  - name: small
    labels: [small]
    instanceTypes: [t3.small]
    image: ami-0123456789abcdef0
    subnets: [subnet-0123456789abcdef0]
    securityGroups: [sg-0123456789abcdef0]
    maxRunners: 5
`,
  "p.yml",
).file!.pools;

const message: ScaleMessage = {
  kind: "scale",
  jobId: 42,
  runId: 7,
  runAttempt: 1,
  org: "acme",
  repo: "acme/api",
  installationId: 1,
  pool: "small",
  labels: ["small"],
  jobCreatedAt: 0,
  receivedAt: 0,
  deliveryId: "d-1",
};
const received = (receiveCount: number): ReceivedMessage =>
  ({
    id: "m-1",
    receiptHandle: `r-${receiveCount}`,
    body: "",
    receiveCount,
    groupId: "job-42",
  }) as ReceivedMessage;

/** A scaler over fakes that count GitHub GETs and launches; `room` is how many reservations succeed. */
function harness(options: { rechecksPerHour: number; spent: boolean; room: boolean[] }) {
  const calls = { gets: 0, launches: 0 };
  const room = [...options.room];
  const inventory = {
    tryReserve: async () => (room.shift() ? () => {} : undefined),
    spare: async () => 0,
    noteLaunched: () => {},
  } as unknown as Inventory;
  const launcher = {
    request: async () => {
      calls.launches++;
      return { ok: true, instance: { instanceId: "i-0123456789abcdef0" } };
    },
  } as unknown as Launcher;
  const jobs: Jobs = {
    get: async () => {
      calls.gets++;
      return { status: "queued" } as Awaited<ReturnType<Jobs["get"]>>;
    },
    isForkRun: async () => false,
  };
  const rechecks = new RecheckBudget({ perHour: options.rechecksPerHour, now: () => 60_000 });
  if (options.spent) while (rechecks.tryTake(1));
  const scaler = createScaler({
    pools,
    inventory,
    launcher,
    enrolment: new EnrolmentBudget({ writePointsPerMinute: 800, pools, now: () => 60_000 }),
    rechecks,
    jobs,
    events: new EventLog(),
    log: pino({ level: "silent" }),
    recheckIntervalSeconds: 10,
    checkJobQueued: true,
    now: () => 60_000,
    random: () => 0.5,
  });
  return { scaler, calls };
}

describe("scaler rechecks within the GitHub budget", () => {
  it.each([
    // name, budget spent, reservations, GETs, launches, outcome of the redelivery
    ["a redelivered message asks GitHub first", false, [true], 1, 1, "retry"],
    ["with the budget spent it is looked at later, unasked and not relaunched", true, [true], 0, 0, "retry"],
  ])("%s", async (_, spent, room, gets, launches, kind) => {
    const { scaler, calls } = harness({ rechecksPerHour: 60, spent, room });
    const outcome = await scaler(message, received(2));
    expect(outcome.kind).toBe(kind);
    expect(calls).toEqual({ gets, launches });
  });

  it("a job that never launched (pool at max) launches unasked once the budget is spent", async () => {
    const { scaler, calls } = harness({ rechecksPerHour: 60, spent: true, room: [false, true] });
    expect((await scaler(message, received(1))).kind).toBe("retry");
    expect(calls).toEqual({ gets: 0, launches: 0 });
    await scaler(message, received(2));
    expect(calls).toEqual({ gets: 0, launches: 1 });
  });

  it("the same job asks GitHub while the budget lasts", async () => {
    const { scaler, calls } = harness({ rechecksPerHour: 60, spent: false, room: [false, true] });
    await scaler(message, received(1));
    await scaler(message, received(2));
    expect(calls).toEqual({ gets: 1, launches: 1 });
  });

  it("a spent budget delays the next look until a GET is available", async () => {
    const { scaler } = harness({ rechecksPerHour: 60, spent: true, room: [true] });
    const outcome = await scaler(message, received(2));
    // One GET a minute: the wait is at least the 60 s until the next token, with jitter.
    expect(outcome.kind === "retry" && outcome.afterSeconds).toBeGreaterThanOrEqual(60);
  });
});
