/**
 * The part of EventBridge's event-pattern language the emulated rules use: every field named in the
 * pattern must be present; a leaf is an array of allowed values (any matches; an event array matches if
 * any element does); an object descends into the event.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */
export type EventPattern = { [field: string]: readonly (string | number | boolean)[] | EventPattern };

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (typeof event !== "object" || event === null) return false;
  const record = event as Record<string, unknown>;
  return Object.entries(pattern).every(([field, rule]) => {
    if (!Object.hasOwn(record, field)) return false;
    const value = record[field];
    if (Array.isArray(rule)) {
      const values = Array.isArray(value) ? value : [value];
      return values.some((v) => rule.includes(v as string | number | boolean));
    }
    return matchesPattern(rule as EventPattern, value);
  });
}
