import type { AppInfo } from "../github/app-info.js";
import type { Deliveries } from "../github/deliveries.js";
import type { Pool } from "../pool-file.js";
import type { GroupOutcome } from "./sync-runner-groups.js";

/**
 * What Mayfly verifies about its own setup, each item with what to do when it fails. Asked on demand
 * (the /setup page), never on a timer. A failed webhook `ping` (sent while Mayfly was still in setup
 * mode) is redelivered once, so the next look shows whether webhooks now arrive.
 */
export interface ChecklistItem {
  label: string;
  status: "ok" | "fail" | "unknown";
  detail: string;
  fix?: string;
}

export interface Checklist {
  run(): Promise<ChecklistItem[]>;
}

const RANK: Record<string, number> = { read: 1, write: 2, admin: 3 };

export function createChecklist(deps: {
  appInfo: AppInfo;
  deliveries: Deliveries;
  pools: readonly Pool[];
  publicUrl: string;
  webUrl: string;
  /** The last runner-group sync's outcomes (undefined before a pass in this process has ended). */
  runnerGroups?: () => GroupOutcome[] | undefined;
  /** "Every pool's image found", one item per pool (src/setup/check-pool-images.ts). */
  poolImages?: () => Promise<ChecklistItem[]>;
  fetch?: typeof fetch;
  now: () => number;
}): Checklist {
  const fetchImpl = deps.fetch ?? fetch;
  const orgs = [...new Set(deps.pools.flatMap((p) => p.allow?.orgs ?? []).map((o) => o.toLowerCase()))];
  return {
    async run() {
      const items: ChecklistItem[] = [];
      const fail = (label: string, detail: string, fix: string) =>
        items.push({ label, status: "fail", detail, fix });
      let app: Awaited<ReturnType<AppInfo["app"]>>;
      try {
        app = await deps.appInfo.app();
        items.push({ label: "App registered", status: "ok", detail: `${app.name} (${app.slug})` });
      } catch (error) {
        fail(
          "App registered",
          `GitHub refused the App's key (${(error as Error).message})`,
          "check APP_ID and PRIVATE_KEY, or delete them and run setup again",
        );
        return items;
      }
      const installations = await deps.appInfo.installations();
      const missing = orgs.filter((o) => !installations.some((i) => i.org.toLowerCase() === o));
      if (installations.length === 0 || missing.length > 0) {
        fail(
          "Installed on the org",
          `not installed on ${missing.join(", ") || "any organization"}`,
          `install the App: ${deps.webUrl}/apps/${app.slug}/installations/new`,
        );
      } else {
        items.push({
          label: "Installed on the org",
          status: "ok",
          detail: installations.map((i) => i.org).join(", "),
        });
      }
      for (const installation of installations) {
        const short = Object.entries(app.permissions).filter(
          ([name, level]) => (RANK[installation.permissions[name] ?? ""] ?? 0) < (RANK[level] ?? 0),
        );
        if (short.length > 0) {
          fail(
            `Permissions granted on ${installation.org}`,
            `not granted: ${short.map(([n, l]) => `${n}: ${l}`).join(", ")}`,
            "accept the App's new permissions in the org's installation settings",
          );
        } else {
          items.push({
            label: `Permissions granted on ${installation.org}`,
            status: "ok",
            detail: "all the App asks for",
          });
        }
      }
      const pings = (await deps.deliveries.listSince(deps.now() - 3 * 86_400_000)).filter(
        (d) => d.event === "ping",
      );
      const answered = pings.find((d) => d.statusCode >= 200 && d.statusCode < 300);
      if (answered) {
        items.push({ label: "Webhook ping received", status: "ok", detail: "GitHub's ping was answered" });
      } else if (pings[0]) {
        await deps.deliveries.redeliver(pings[0].id).catch(() => undefined);
        items.push({
          label: "Webhook ping received",
          status: "unknown",
          detail: `the ping failed (HTTP ${pings[0].statusCode}, sent during setup mode); redelivered it now`,
          fix: "reload this page; if it still fails, check that GitHub can reach PUBLIC_URL",
        });
      } else {
        fail(
          "Webhook ping received",
          "GitHub has no ping delivery for this App",
          "check the App's webhook URL and that it is active",
        );
      }
      const synced = deps.runnerGroups?.();
      if (synced) {
        for (const o of synced) items.push(groupItem(o));
      } else {
        await checkGroupsExist(deps, installations, items);
      }
      if (deps.poolImages) items.push(...(await deps.poolImages()));
      try {
        const res = await fetchImpl(`${deps.publicUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
        items.push(
          res.ok
            ? {
                label: "Bootstrap endpoint reachable",
                status: "ok",
                detail: `${deps.publicUrl} answers (from the app; the runners' subnets are not tested)`,
              }
            : {
                label: "Bootstrap endpoint reachable",
                status: "fail",
                detail: `${deps.publicUrl}/healthz answered ${res.status}`,
                fix: "check the load balancer and PUBLIC_URL",
              },
        );
      } catch (error) {
        fail(
          "Bootstrap endpoint reachable",
          `${deps.publicUrl} does not answer (${(error as Error).message})`,
          "check DNS, the load balancer and PUBLIC_URL; runners reach the app there",
        );
      }
      return items;
    },
  };
}

/** "Runner groups in place", from the sync: ok when kept or just changed, fail with GitHub's answer. */
function groupItem(o: GroupOutcome): ChecklistItem {
  const label = `Runner group ${o.group} (pools ${o.pools.join(", ") || "-"}) on ${o.org}`;
  const status = o.status === "ok" || o.status === "changed" ? "ok" : "fail";
  return { label, status, detail: o.detail, ...(o.fix ? { fix: o.fix } : {}) };
}

/** Before this process has synced (another replica runs the reaper role): does each group exist? */
async function checkGroupsExist(
  deps: { appInfo: AppInfo; pools: readonly Pool[] },
  installations: Awaited<ReturnType<AppInfo["installations"]>>,
  items: ChecklistItem[],
): Promise<void> {
  for (const pool of deps.pools.filter((p) => p.runnerGroup)) {
    for (const installation of installations) {
      const groups = await deps.appInfo
        .runnerGroups(installation.id, installation.org)
        .catch(() => [] as string[]);
      const label = `Runner group ${pool.runnerGroup} (pool ${pool.name}) on ${installation.org}`;
      items.push(
        groups.includes(pool.runnerGroup ?? "")
          ? { label, status: "ok", detail: "exists (its repository access is checked by the sync)" }
          : {
              label,
              status: "fail",
              detail: "missing",
              fix: "Mayfly's reaper creates it at start; runner groups other than Default need GitHub Team or Enterprise",
            },
      );
    }
  }
}
