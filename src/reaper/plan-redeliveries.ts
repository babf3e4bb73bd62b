import type { Delivery } from "../github/deliveries.js";

/**
 * Which failed webhook deliveries to redeliver, following GitHub's sample: group attempts by GUID (it is
 * constant across redeliveries), skip any GUID with a successful attempt, redeliver the newest failed
 * attempt of the rest. Only `workflow_job` matters to Mayfly. GUIDs redelivered recently are skipped so a
 * redelivery still in flight is not repeated; after `retryAfterMs` a GUID that still failed is tried again.
 */
export function planRedeliveries(input: {
  deliveries: readonly Delivery[];
  recentlyRedelivered: ReadonlyMap<string, number>;
  now: number;
  retryAfterMs: number;
  maxAttemptsPerGuid?: number;
}): Delivery[] {
  const maxAttempts = input.maxAttemptsPerGuid ?? 5;
  const byGuid = new Map<string, Delivery[]>();
  for (const d of input.deliveries) {
    if (d.event !== "workflow_job") continue;
    const list = byGuid.get(d.guid) ?? [];
    list.push(d);
    byGuid.set(d.guid, list);
  }
  const plan: Delivery[] = [];
  for (const [guid, attempts] of byGuid) {
    if (attempts.some((a) => a.statusCode >= 200 && a.statusCode < 300)) continue;
    if (attempts.length > maxAttempts) continue;
    const last = input.recentlyRedelivered.get(guid);
    if (last !== undefined && input.now - last < input.retryAfterMs) continue;
    const newest = attempts.reduce((a, b) => (b.deliveredAt > a.deliveredAt ? b : a));
    plan.push(newest);
  }
  return plan.sort((a, b) => a.deliveredAt - b.deliveredAt);
}
