import type { EventInput, EventKind, EventLog } from "../events/event-log.js";
import type { Metrics } from "../metrics.js";
import type { Logger } from "../queue/logger.js";
import { REPORT_TABLE, type ReportFields } from "./report-table.js";

/** What every report carries besides its kind: the event's fields, plus log-only extras. */
export type ReportInput<K extends EventKind> = Omit<EventInput, "kind"> &
  ReportFields<K> & {
    /** How many things this report stands for (a summary of refusals, a batch of launches). */
    count?: number;
    /** Logged, never put in the event or the metric (it may be long or carry detail for operators). */
    err?: unknown;
  };

/**
 * The one way to say that something happened: writes the event (dashboard), counts the metric and logs
 * it, all from REPORT_TABLE, so the three cannot drift. Secrets never go in `fields`.
 */
export type Report = <K extends EventKind>(kind: K, fields: ReportInput<K>) => void;

export function createReport(deps: { events: EventLog; metrics: Metrics; log: Logger }): Report {
  return (kind, input) => {
    const { count = 1, err, ...event } = input;
    const entry = REPORT_TABLE[kind];
    entry.count?.(deps.metrics, input as never, count);
    deps.events.record({ ...event, kind });
    const { message, ...fields } = event;
    deps.log[entry.level](
      { event: kind, ...fields, ...(count === 1 ? {} : { count }), ...(err ? { err } : {}) },
      message,
    );
  };
}
