import type { Sandbox } from "../../sandbox/sandbox.js";
import type { PlannedFault } from "./fault-plan.js";
import type { Trace } from "./trace.js";

/**
 * Applies planned faults to the emulators. Windowed faults of one kind may overlap, so each change
 * recomputes the switch from the windows still open (the longest latency, the highest drop rate),
 * and the last window to close turns it off.
 */
type Windowed = Extract<PlannedFault, { untilMs: number }>;

const DOCS = "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api";
const SECONDARY =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
  "If you reach out to GitHub Support for help, please include the request ID";

export class FaultInjector {
  readonly #sandbox: Sandbox;
  readonly #trace: Trace;
  readonly #open = new Set<Windowed>();

  constructor(sandbox: Sandbox, trace: Trace) {
    this.#sandbox = sandbox;
    this.#trace = trace;
  }

  /** Applies a fault that is not a kill; returns the window to close later, if it has one. */
  apply(fault: Exclude<PlannedFault, { kind: "kill" }>): Windowed | undefined {
    const { ec2, github, sqs } = this.#sandbox;
    this.#trace.add("fault", describeFault(fault));
    switch (fault.kind) {
      case "ec2-error":
        ec2.injectFault({ action: fault.action, code: fault.code, count: fault.count });
        return undefined;
      case "github-error":
        github.failNext({
          path: new RegExp(fault.path),
          status: fault.status,
          count: fault.count,
          ...githubBody(fault),
        });
        return undefined;
      case "sqs-error":
        sqs.injectFault({ action: fault.action, code: fault.code, scope: fault.scope, count: fault.count });
        return undefined;
      default:
        this.#open.add(fault);
        this.#refresh(fault.kind, fault);
        return fault;
    }
  }

  close(window: Windowed): void {
    if (!this.#open.delete(window)) return;
    this.#trace.add("fault", `end ${window.kind}`);
    this.#refresh(window.kind, window);
  }

  /** Closes every open window: the faults stop. */
  closeAll(): void {
    for (const window of [...this.#open]) this.close(window);
  }

  #refresh(kind: Windowed["kind"], changed: Windowed): void {
    const { ec2, github, sqs } = this.#sandbox;
    const open = [...this.#open].filter((w) => w.kind === kind);
    switch (kind) {
      case "github-slow":
        github.setLatency(Math.max(0, ...open.map((w) => (w.kind === "github-slow" ? w.latencyMs : 0))));
        return;
      case "webhook-drop": {
        const top = open
          .filter((w) => w.kind === "webhook-drop")
          .sort((a, b) => b.probability - a.probability)[0];
        github.dropWebhooks(top ? { probability: top.probability, seed: top.seed } : { count: 0 });
        return;
      }
      case "webhook-duplicate": {
        const p = Math.max(0, ...open.map((w) => (w.kind === "webhook-duplicate" ? w.probability : 0)));
        github.duplicateWebhooks(p > 0 ? { probability: p } : { count: 0 });
        return;
      }
      case "sqs-outage":
        sqs.setOutage(open.length > 0);
        return;
      case "ec2-capacity": {
        if (changed.kind !== "ec2-capacity") return;
        const same = open.some(
          (w) =>
            w.kind === "ec2-capacity" &&
            w.market === changed.market &&
            w.instanceType === changed.instanceType,
        );
        ec2.setCapacity({
          ...(changed.market ? { market: changed.market } : {}),
          ...(changed.instanceType ? { instanceType: changed.instanceType } : {}),
          limit: same ? 0 : Number.POSITIVE_INFINITY,
        });
        return;
      }
    }
  }
}

/** GitHub's answers for spent limits, shaped as @octokit/plugin-throttling recognises them. */
function githubBody(fault: Extract<PlannedFault, { kind: "github-error" }>): {
  body?: unknown;
  headers?: Record<string, string>;
} {
  if (fault.limit === "secondary") {
    return {
      body: { message: `${SECONDARY} CHAOS.`, documentation_url: DOCS },
      headers: { "retry-after": "2" },
    };
  }
  if (fault.limit === "primary") {
    const reset = String(Math.ceil(Date.now() / 1000) + 3);
    return {
      body: { message: "API rate limit exceeded for installation.", documentation_url: DOCS },
      headers: { "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
    };
  }
  return {};
}

export function describeFault(fault: PlannedFault): string {
  const { kind, atMs: _at, ...rest } = fault;
  return `${kind} ${JSON.stringify(rest)}`;
}
