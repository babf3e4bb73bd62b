import type { ProbotOctokit } from "probot";
import { translateGitHubError } from "./translate-error.js";

/**
 * The App's webhook deliveries (https://docs.github.com/en/rest/apps/webhooks). GitHub does not
 * redeliver failed deliveries by itself and keeps them for 3 days; there is no time filter, so pages
 * are read newest-first until they are older than `since`, as GitHub's own sample does
 * (github/docs automatically-redelivering-failed-deliveries-for-a-github-app-webhook.md).
 */

export interface Delivery {
  id: number;
  guid: string;
  deliveredAt: number;
  statusCode: number;
  event: string;
  action: string | null;
  redelivery: boolean;
}

export interface Deliveries {
  listSince(since: number): Promise<Delivery[]>;
  redeliver(deliveryId: number): Promise<void>;
}

export function createDeliveries(options: {
  appOctokit: () => Promise<InstanceType<typeof ProbotOctokit>>;
  now?: () => number;
}): Deliveries {
  return {
    async listSince(since) {
      const octokit = await options.appOctokit();
      const out: Delivery[] = [];
      try {
        for await (const page of octokit.paginate.iterator("GET /app/hook/deliveries", { per_page: 100 })) {
          let older = false;
          for (const d of page.data) {
            const deliveredAt = Date.parse(d.delivered_at);
            if (deliveredAt < since) {
              older = true;
              continue;
            }
            out.push({
              id: d.id,
              guid: d.guid,
              deliveredAt,
              statusCode: d.status_code,
              event: d.event,
              action: d.action,
              redelivery: d.redelivery,
            });
          }
          if (older) break;
        }
        return out;
      } catch (error) {
        throw translateGitHubError(error, options.now) ?? error;
      }
    },
    async redeliver(deliveryId) {
      const octokit = await options.appOctokit();
      try {
        await octokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", {
          delivery_id: deliveryId,
        });
      } catch (error) {
        throw translateGitHubError(error, options.now) ?? error;
      }
    },
  };
}
