import { z } from "zod";
import { SetupError } from "../errors.js";

/**
 * `POST /app-manifests/{code}/conversions`: trades the manifest flow's temporary code (one use, one
 * hour) for the new App and its credentials. No authentication: the code is the credential.
 * https://docs.github.com/en/rest/apps/apps#create-a-github-app-from-a-manifest
 */

const conversionSchema = z.object({
  id: z.number().int().positive(),
  slug: z.string().min(1),
  name: z.string().min(1),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  webhook_secret: z.string().min(1),
  pem: z.string().includes("PRIVATE KEY"),
  html_url: z.url(),
  owner: z.object({ login: z.string() }).nullable().optional(),
});
export type ManifestConversion = z.infer<typeof conversionSchema>;

export type ConvertManifestCode = (code: string) => Promise<ManifestConversion>;

export function createManifestConversion(deps: {
  apiUrl: string;
  fetch?: typeof fetch;
}): ConvertManifestCode {
  const fetchImpl = deps.fetch ?? fetch;
  return async (code) => {
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(code)) throw new SetupError("The code from GitHub is malformed.", 400);
    let res: Response;
    try {
      res = await fetchImpl(`${deps.apiUrl}/app-manifests/${code}/conversions`, {
        method: "POST",
        headers: { accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" },
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new SetupError(`GitHub could not be reached (${(error as Error).message}).`, 502, {
        cause: error,
      });
    }
    if (res.status === 404) {
      throw new SetupError(
        "GitHub does not know this code: it is wrong, was already used, or is older than an hour. Start again from /setup.",
        404,
      );
    }
    if (res.status !== 201) {
      const text = await res.text().catch(() => "");
      throw new SetupError(`GitHub refused the conversion (HTTP ${res.status}): ${text.slice(0, 200)}`, 502);
    }
    const parsed = conversionSchema.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw new SetupError("GitHub's answer to the conversion was not an App.", 502);
    return parsed.data;
  };
}
