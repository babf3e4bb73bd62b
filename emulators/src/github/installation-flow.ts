import type { IncomingMessage, ServerResponse } from "node:http";
import { installationShape, simpleOrg } from "./account-shapes.js";
import { nodeId } from "./ids.js";
import type { ManifestFlow } from "./manifest-flow.js";
import { errorPage, installPage } from "./manifest-pages.js";
import type { WebhookSender } from "./webhook-sender.js";
import type { World } from "./world.js";

/**
 * Installing an App: `GET /apps/SLUG/installations/new` lists where it can go; choosing an organization
 * installs it with the App's permissions, sends the `installation` webhook (action `created`), and
 * redirects to the App's setup URL with `installation_id`, `setup_action=install` (and `state` if the
 * install link carried one), as GitHub does.
 * https://docs.github.com/en/apps/creating-github-apps/registering-a-github-app/about-the-setup-url
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads#installation
 */
export class InstallationFlow {
  readonly #world: World;
  readonly #webhooks: WebhookSender;
  readonly #manifests: ManifestFlow;

  constructor(deps: { world: World; webhooks: WebhookSender; manifests: ManifestFlow }) {
    this.#world = deps.world;
    this.#webhooks = deps.webhooks;
    this.#manifests = deps.manifests;
  }

  handle(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    params: URLSearchParams,
  ): number | undefined {
    const m = /^\/apps\/([^/]+)\/installations\/new$/.exec(path);
    if (!m) return undefined;
    const slug = decodeURIComponent(m[1] ?? "");
    const app = [...this.#world.apps.values()].find((a) => a.slug === slug);
    if (!app) return html(res, 404, errorPage("Not Found", "No such GitHub App."));
    const created = this.#manifests.apps.get(app.id);
    // A private App installs only on the account that owns it.
    const owner = created?.owner;
    const orgs =
      owner && created?.manifest.public !== true
        ? [owner.login]
        : [...this.#world.orgs.values()].map((o) => o.login);
    if (req.method !== "POST") {
      return html(
        res,
        200,
        installPage({ action: path, appName: app.name, orgs, state: params.get("state") }),
      );
    }
    const target = params.get("target") ?? "";
    if (!orgs.some((o) => o.toLowerCase() === target.toLowerCase())) {
      return html(res, 404, errorPage("Not Found", `${app.name} cannot be installed on ${target}.`));
    }
    const existed = this.#world.org(target) && this.#world.installationFor(app, this.#world.org(target)!);
    const installation = this.#world.installApp(app.id, target);
    const api = `http://${req.headers.host}`;
    if (!existed) {
      this.#webhooks.send({
        app,
        event: "installation",
        action: "created",
        installationId: installation.id,
        repositoryId: null,
        payload: {
          action: "created",
          installation: installationShape(api, installation),
          repositories: [],
          requester: null,
          sender: simpleOrg(api, installation.org),
          organization: {
            ...simpleOrg(api, installation.org),
            node_id: nodeId("Organization", installation.org.id),
          },
        },
      });
    }
    const setupUrl = created?.manifest.setup_url;
    if (!setupUrl) {
      return html(res, 200, errorPage("Installed", `${app.name} is installed on ${installation.org.login}.`));
    }
    const location = new URL(setupUrl);
    location.searchParams.set("installation_id", String(installation.id));
    location.searchParams.set("setup_action", existed ? "update" : "install");
    const state = params.get("state");
    if (state !== null) location.searchParams.set("state", state);
    res.writeHead(302, { location: location.toString() }).end();
    return 302;
  }
}

function html(res: ServerResponse, status: number, body: string): number {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" }).end(body);
  return status;
}
