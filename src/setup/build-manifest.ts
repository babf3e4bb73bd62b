import { z } from "zod";

/**
 * The GitHub App manifest posted to GitHub's manifest flow: `app.yml` with PUBLIC_URL put into every
 * URL GitHub calls back (the webhook, the manifest redirect, the setup URL after install, the OAuth
 * callback for dashboard sign-in). `url` (the App's homepage) stays as written.
 * https://docs.github.com/en/apps/sharing-github-apps/registering-a-github-app-from-a-manifest#github-app-manifest-parameters
 */

const level = z.enum(["read", "write", "admin"]);
export const appYmlSchema = z.object({
  name: z.string().min(1).max(34),
  description: z.string().optional(),
  url: z.url(),
  public: z.boolean().default(false),
  default_events: z.array(z.string().min(1)).min(1),
  default_permissions: z.record(z.string().min(1), level),
  request_oauth_on_install: z.boolean().default(false),
  setup_on_update: z.boolean().default(false),
});
export type AppYml = z.infer<typeof appYmlSchema>;

export interface Manifest extends AppYml {
  hook_attributes: { url: string; active: true };
  redirect_url: string;
  callback_urls: string[];
  setup_url: string;
}

/** Paths of Mayfly's own pages that GitHub sends the browser to. */
export const SETUP_PATHS = {
  callback: "/setup/callback",
  installed: "/setup/installed",
  dashboardCallback: "/dashboard/callback",
} as const;

export function buildManifest(
  appYml: AppYml,
  urls: { publicUrl: string; webhookPath: string },
  name: string = appYml.name,
): Manifest {
  const base = urls.publicUrl.replace(/\/+$/, "");
  return {
    ...appYml,
    name,
    hook_attributes: { url: `${base}${urls.webhookPath}`, active: true },
    redirect_url: `${base}${SETUP_PATHS.callback}`,
    callback_urls: [`${base}${SETUP_PATHS.dashboardCallback}`],
    setup_url: `${base}${SETUP_PATHS.installed}`,
  };
}
