import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { appShape, simpleUser } from "./account-shapes.js";
import { ApiError } from "./api-error.js";
import { hex, isoSeconds } from "./ids.js";
import { errorPage, newAppPage } from "./manifest-pages.js";
import type { AppRecord, OrgRecord } from "./records.js";
import type { Route } from "./router.js";
import type { WebhookSender } from "./webhook-sender.js";
import type { World } from "./world.js";

/**
 * GitHub's App manifest flow. The browser POSTs a form (`manifest`, optional `state`) to
 * `/settings/apps/new` or `/organizations/ORG/settings/apps/new`; GitHub shows "Create GitHub App"
 * (the name editable); on confirm it creates the App, pings its webhook, and redirects to the manifest's
 * `redirect_url?code&state`. `POST /app-manifests/{code}/conversions` (no authentication) trades the
 * code, once and within an hour, for the App with its `client_secret`, `webhook_secret` and `pem`: 201,
 * or 404 for a wrong, used or expired code.
 * https://docs.github.com/en/apps/sharing-github-apps/registering-a-github-app-from-a-manifest
 * https://docs.github.com/en/rest/apps/apps#create-a-github-app-from-a-manifest
 */

const CODE_TTL_MS = 3_600_000;
const DOCS = "https://docs.github.com/rest/apps/apps#create-a-github-app-from-a-manifest";

const manifestSchema = z.object({
  name: z.string().min(1).max(34).optional(),
  url: z.url(),
  description: z.string().optional(),
  hook_attributes: z.object({ url: z.url(), active: z.boolean().optional() }).optional(),
  redirect_url: z.url().optional(),
  callback_urls: z.array(z.url()).max(10).optional(),
  setup_url: z.url().optional(),
  public: z.boolean().optional(),
  default_events: z.array(z.string()).optional(),
  default_permissions: z.record(z.string(), z.enum(["read", "write", "admin"])).optional(),
  request_oauth_on_install: z.boolean().optional(),
  setup_on_update: z.boolean().optional(),
});
type Manifest = z.infer<typeof manifestSchema>;

/** What the emulator keeps about a manifest-created App beyond the world's App record. */
export interface ManifestApp {
  app: AppRecord;
  owner: OrgRecord | undefined;
  manifest: Manifest;
  pem: string;
}

interface Grant {
  created: ManifestApp;
  expiresAt: number;
}

export class ManifestFlow {
  readonly apps = new Map<number, ManifestApp>();
  readonly #codes = new Map<string, Grant>();
  readonly #world: World;
  readonly #webhooks: WebhookSender;
  readonly #now: () => number;

  constructor(deps: { world: World; webhooks: WebhookSender; now: () => number }) {
    this.#world = deps.world;
    this.#webhooks = deps.webhooks;
    this.#now = deps.now;
  }

  /** Answers the new-app pages; undefined when `path` is not one of them. */
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    params: URLSearchParams,
  ): number | undefined {
    const m = /^(?:\/organizations\/([^/]+))?\/settings\/apps\/new$/.exec(path);
    if (!m) return undefined;
    if (req.method !== "POST") {
      return html(res, 200, errorPage("Register new GitHub App", "Post a manifest to this page."));
    }
    const org = m[1] === undefined ? undefined : this.#world.org(decodeURIComponent(m[1]));
    if (m[1] !== undefined && !org) return html(res, 404, errorPage("Not Found", "No such organization."));
    const raw = params.get("manifest") ?? "";
    const manifest = parseManifest(raw);
    if (typeof manifest === "string")
      return html(res, 422, errorPage("Invalid GitHub App manifest", manifest));
    const users = [...this.#world.users.values()]
      .filter((u) => !org || u.orgs.get(org.login.toLowerCase()) === "admin")
      .map((u) => u.login)
      .sort();
    const form = {
      action: path,
      owner: org?.login ?? "your account",
      manifest: raw,
      state: params.get("state"),
      name: params.get("app_name") ?? manifest.name ?? "",
      users,
    };
    const confirmAs = params.get("confirm_as");
    if (confirmAs === null) return html(res, 200, newAppPage(form));
    if (!users.some((u) => u.toLowerCase() === confirmAs.toLowerCase())) {
      return html(res, 403, errorPage("Forbidden", `${confirmAs} may not create Apps for ${form.owner}.`));
    }
    const name = form.name.trim();
    const taken = [...this.#world.apps.values()].some((a) => a.name.toLowerCase() === name.toLowerCase());
    if (!name || taken) {
      const problem = name ? `Name "${name}" is already taken` : "Name can't be blank";
      return html(res, 422, newAppPage({ ...form, problem }));
    }
    const created = this.#create(manifest, name, org);
    const code = hex(20);
    this.#codes.set(code, { created, expiresAt: this.#now() + CODE_TTL_MS });
    if (!manifest.redirect_url) {
      return html(
        res,
        200,
        errorPage("GitHub App created", `${name} was created; no redirect_url was given.`),
      );
    }
    const target = new URL(manifest.redirect_url);
    target.searchParams.set("code", code);
    if (form.state !== null) target.searchParams.set("state", form.state);
    res.writeHead(302, { location: target.toString() }).end();
    return 302;
  }

  /** `POST /app-manifests/{code}/conversions`. */
  routes(): Route[] {
    return [
      {
        method: "POST",
        template: "/app-manifests/{code}/conversions",
        docs: DOCS,
        auth: "none",
        handler: (ctx) => {
          const code = ctx.params.code ?? "";
          const grant = this.#codes.get(code);
          this.#codes.delete(code);
          if (!grant || grant.expiresAt <= this.#now()) throw new ApiError(404, "Not Found");
          const { app, owner, pem } = grant.created;
          const web = ctx.apiBase.replace(/\/api\/v3$/, "");
          return {
            status: 201,
            body: {
              ...appShape(ctx.apiBase, app, owner),
              owner: owner ? simpleUser(ctx.apiBase, owner, "Organization") : null,
              description: grant.created.manifest.description ?? "",
              external_url: grant.created.manifest.url,
              html_url: `${web}/apps/${app.slug}`,
              client_secret: app.clientSecret,
              webhook_secret: app.webhookSecret,
              pem,
            },
          };
        },
      },
    ];
  }

  #create(manifest: Manifest, name: string, owner: OrgRecord | undefined): ManifestApp {
    const hook = manifest.hook_attributes;
    const registered = this.#world.registerApp({
      name,
      webhookSecret: hex(20),
      webhookUrl: hook && hook.active !== false ? hook.url : undefined,
      events: manifest.default_events ?? [],
      permissions: { metadata: "read", ...manifest.default_permissions },
    });
    const app = this.#world.app(registered.id);
    const created = { app, owner, manifest, pem: registered.privateKeyPem };
    this.apps.set(app.id, created);
    this.#ping(app);
    return created;
  }

  /** GitHub pings a new App's webhook; nothing has the App's secret yet, so it usually fails. */
  #ping(app: AppRecord): void {
    const at = isoSeconds(app.createdAt);
    this.#webhooks.send({
      app,
      event: "ping",
      action: null,
      installationId: null,
      repositoryId: null,
      payload: {
        zen: "Design for failure.",
        hook_id: app.hookId,
        hook: {
          type: "App",
          id: app.hookId,
          name: "web",
          active: true,
          events: app.events,
          config: { content_type: "json", insecure_ssl: "0", url: app.webhookUrl },
          updated_at: at,
          created_at: at,
          app_id: app.id,
        },
      },
    });
  }
}

function parseManifest(raw: string): Manifest | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return "The manifest is not valid JSON.";
  }
  const parsed = manifestSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  return parsed.error.issues.map((i) => `${i.path.join(".") || "manifest"}: ${i.message}`).join("; ");
}

function html(res: ServerResponse, status: number, body: string): number {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" }).end(body);
  return status;
}
