import { createHmac } from "node:crypto";
import { DeliveryRules } from "./delivery-rules.js";
import type { EventBus } from "./event-bus.js";
import { postWebhook } from "./post-webhook.js";
import type { AppRecord } from "./records.js";
import type { EmulatedDelivery } from "./types.js";
import type { World } from "./world.js";

/**
 * Sends app webhooks as GitHub does: JSON POSTs signed with HMAC-SHA256 (and legacy SHA-1) of the exact
 * body, GitHub's delivery headers, one recorded delivery per attempt, no automatic retry. A redelivery
 * is a new delivery with the same GUID and `redelivery: true`. GitHub keeps deliveries for 3 days.
 * https://docs.github.com/webhooks/webhook-events-and-payloads#delivery-headers
 */

const RETENTION_MS = 3 * 24 * 3_600_000;
const USER_AGENT = "GitHub-Hookshot/9a5e2f1";

export interface WebhookInput {
  app: AppRecord;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  payload: unknown;
}

interface Original extends WebhookInput {
  guid: string;
  body: string;
}

export class WebhookSender {
  readonly rules = new DeliveryRules();
  readonly #world: World;
  readonly #events: EventBus;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  readonly #deliveries: EmulatedDelivery[] = [];
  readonly #originals = new Map<string, Original>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abort = new AbortController();

  constructor(deps: { world: World; events: EventBus; now: () => number; timeoutMs: number }) {
    this.#world = deps.world;
    this.#events = deps.events;
    this.#now = deps.now;
    this.#timeoutMs = deps.timeoutMs;
  }

  /** Sends a new event to the app's webhook URL (an app without one gets nothing, like an inactive hook). */
  send(input: WebhookInput): void {
    if (!input.app.webhookUrl) return;
    const original: Original = { ...input, guid: this.#world.newGuid(), body: JSON.stringify(input.payload) };
    this.#originals.set(original.guid, original);
    this.#attempt(original, false, this.rules.shouldDrop(input.action));
    if (this.rules.shouldDuplicate(input.action)) this.#attempt(original, false, false);
  }

  /** `POST /app/hook/deliveries/{id}/attempts`. Undefined when the delivery is not the app's. */
  redeliver(app: AppRecord, deliveryId: number): boolean {
    const delivery = this.find(app, deliveryId);
    const original = delivery && this.#originals.get(delivery.guid);
    if (!original) return false;
    this.#attempt(original, true, this.rules.shouldDrop(original.action));
    return true;
  }

  /** Newest first. */
  list(app?: AppRecord): EmulatedDelivery[] {
    this.#prune();
    const items = app ? this.#deliveries.filter((d) => d.appId === app.id) : [...this.#deliveries];
    return items.sort((a, b) => b.id - a.id);
  }

  find(app: AppRecord, deliveryId: number): EmulatedDelivery | undefined {
    return this.#deliveries.find((d) => d.id === deliveryId && d.appId === app.id);
  }

  /** Resolves when every in-flight delivery has been recorded. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.settled();
  }

  #attempt(original: Original, redelivery: boolean, dropped: boolean): void {
    const { app } = original;
    const url = app.webhookUrl ?? "";
    const headers = deliveryHeaders(app, original);
    const base = {
      id: this.#world.ids.delivery.next(),
      guid: original.guid,
      appId: app.id,
      hookId: app.hookId,
      deliveredAt: this.#now(),
      redelivery,
      event: original.event,
      action: original.action,
      installationId: original.installationId,
      repositoryId: original.repositoryId,
      url,
      requestHeaders: headers,
      payload: original.payload,
      dropped,
    };
    if (dropped || this.#abort.signal.aborted) {
      this.#record({
        ...base,
        durationMs: 0,
        status: "failed to connect",
        statusCode: 502,
        responseHeaders: {},
        responseBody: "",
      });
      return;
    }
    const attempt = postWebhook(url, headers, original.body, this.#timeoutMs, this.#abort.signal).then(
      (outcome) => {
        this.#record({ ...base, ...outcome });
      },
    );
    this.#inFlight.add(attempt);
    void attempt.finally(() => this.#inFlight.delete(attempt));
  }

  #record(delivery: EmulatedDelivery): void {
    this.#deliveries.push(delivery);
    this.#events.emit({ type: "webhook.delivered", at: this.#now(), delivery: { ...delivery } });
  }

  #prune(): void {
    const cutoff = this.#now() - RETENTION_MS;
    while (this.#deliveries.length > 0 && (this.#deliveries[0]?.deliveredAt ?? cutoff) < cutoff) {
      const gone = this.#deliveries.shift();
      if (gone && !this.#deliveries.some((d) => d.guid === gone.guid)) this.#originals.delete(gone.guid);
    }
  }
}

function deliveryHeaders(app: AppRecord, original: Original): Record<string, string> {
  const sign = (algorithm: "sha1" | "sha256") =>
    `${algorithm}=${createHmac(algorithm, app.webhookSecret).update(original.body).digest("hex")}`;
  return {
    accept: "*/*",
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    "x-github-delivery": original.guid,
    "x-github-event": original.event,
    "x-github-hook-id": String(app.hookId),
    "x-github-hook-installation-target-id": String(app.id),
    "x-github-hook-installation-target-type": "integration",
    "x-hub-signature": sign("sha1"),
    "x-hub-signature-256": sign("sha256"),
  };
}
