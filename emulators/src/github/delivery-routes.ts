import type { ApiDeps } from "./api-deps.js";
import { invalidRequest, notFound } from "./api-error.js";
import { requireApp } from "./auth.js";
import { isoSeconds } from "./ids.js";
import { clampInt } from "./pagination.js";
import type { Route } from "./router.js";
import type { EmulatedDelivery } from "./types.js";

/**
 * App webhook deliveries (App JWT): newest first, cursor pagination through the `Link` header,
 * `status=success` (2xx–3xx) or `failure` (4xx–5xx), and redelivery.
 * https://docs.github.com/rest/apps/webhooks
 */

const DOCS = "https://docs.github.com/rest/apps/webhooks";

function item(d: EmulatedDelivery) {
  return {
    id: d.id,
    guid: d.guid,
    delivered_at: isoSeconds(d.deliveredAt),
    redelivery: d.redelivery,
    duration: d.durationMs / 1000,
    status: d.status,
    status_code: d.statusCode,
    event: d.event,
    action: d.action,
    installation_id: d.installationId,
    repository_id: d.repositoryId,
    throttled_at: null,
  };
}

export function deliveryRoutes(deps: ApiDeps): Route[] {
  const { webhooks } = deps;
  const deliveryId = (raw: string | undefined) => (/^\d+$/.test(raw ?? "") ? Number(raw) : -1);

  return [
    {
      method: "GET",
      template: "/app/hook/deliveries",
      docs: `${DOCS}#list-deliveries-for-an-app-webhook`,
      auth: "app",
      handler: (ctx) => {
        const app = requireApp(ctx.caller);
        const perPage = clampInt(ctx.query.get("per_page"), 30, 1, 100);
        const status = ctx.query.get("status");
        if (status !== null && status !== "success" && status !== "failure") {
          throw invalidRequest(`For 'status', "${status}" is not one of ["success", "failure"].`);
        }
        const cursor = /^v1_(\d+)$/.exec(ctx.query.get("cursor") ?? "");
        const from = cursor ? Number(cursor[1]) : Number.POSITIVE_INFINITY;
        const matching = webhooks
          .list(app)
          .filter((d) => d.id <= from)
          .filter(
            (d) => status === null || (status === "success") === (d.statusCode >= 200 && d.statusCode < 400),
          );
        const page = matching.slice(0, perPage);
        const next = matching[perPage];
        const headers: Record<string, string> = {};
        if (next) {
          const params = new URLSearchParams(ctx.query);
          params.set("per_page", String(perPage));
          params.set("cursor", `v1_${next.id}`);
          headers.link = `<${ctx.selfUrl}?${params.toString()}>; rel="next"`;
        }
        return { status: 200, body: page.map(item), headers };
      },
    },
    {
      method: "GET",
      template: "/app/hook/deliveries/{delivery_id}",
      docs: `${DOCS}#get-a-delivery-for-an-app-webhook`,
      auth: "app",
      handler: (ctx) => {
        const d = webhooks.find(requireApp(ctx.caller), deliveryId(ctx.params.delivery_id));
        if (!d) throw notFound();
        return {
          status: 200,
          body: {
            ...item(d),
            url: d.url,
            request: { headers: d.requestHeaders, payload: d.payload },
            response: { headers: d.responseHeaders, payload: d.responseBody || null },
          },
        };
      },
    },
    {
      method: "POST",
      template: "/app/hook/deliveries/{delivery_id}/attempts",
      docs: `${DOCS}#redeliver-a-delivery-for-an-app-webhook`,
      auth: "app",
      handler: (ctx) => {
        if (!webhooks.redeliver(requireApp(ctx.caller), deliveryId(ctx.params.delivery_id))) throw notFound();
        return { status: 202, body: {} };
      },
    },
  ];
}
