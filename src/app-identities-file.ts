import { z } from "zod";
import type { ConfigProblem } from "./errors.js";

/**
 * `GITHUB_APPS_FILE`: the App identities beyond the default one (APP_ID / PRIVATE_KEY), as JSON:
 *
 *   [{ "appId": 123457, "privateKeyPath": "/etc/mayfly/app-2.pem" },
 *    { "appId": 123458, "privateKey": "-----BEGIN RSA PRIVATE KEY-----\n…" }]
 *
 * Each is a GitHub App of its own, installed on the same orgs as the default one with the same
 * permissions; JIT configs are spread over all of them, so each brings its own secondary-limit budget
 * (900 points a minute, about 180 JIT configs) and its own installation tokens. The default App alone
 * receives webhooks. Why: docs/adr/0013-github-budget-across-replicas-and-apps.md.
 */

const PEM = /-----BEGIN (RSA )?PRIVATE KEY-----/;

const entrySchema = z
  .strictObject({
    appId: z.number().int().positive(),
    privateKey: z.string().regex(PEM, "is not a PEM private key").optional(),
    privateKeyPath: z.string().min(1).optional(),
  })
  .refine((e) => (e.privateKey === undefined) !== (e.privateKeyPath === undefined), {
    message: "needs exactly one of privateKey and privateKeyPath",
  });

const fileSchema = z.array(entrySchema).min(1, "must list at least one App").max(20);

export interface AppIdentityCredentials {
  appId: number;
  privateKey: string;
}

const FIX = 'list extra Apps as [{"appId": 123, "privateKeyPath": "/path/key.pem"}] (docs/deploy.md)';

/** Parses the file; every problem is returned, none thrown. Key files are read with `readFile`. */
export function parseAppIdentitiesFile(
  text: string,
  defaultAppId: number | undefined,
  readFile: (path: string) => string,
): { apps?: AppIdentityCredentials[]; problems: ConfigProblem[] } {
  const key = "GITHUB_APPS_FILE";
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { problems: [{ key, problem: `is not JSON (${(error as Error).message})`, fix: FIX }] };
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({
      key: [key, ...issue.path].join("."),
      problem: issue.message,
      fix: FIX,
    }));
    return { problems };
  }
  const problems: ConfigProblem[] = [];
  const seen = new Set<number>(defaultAppId === undefined ? [] : [defaultAppId]);
  const apps: AppIdentityCredentials[] = [];
  parsed.data.forEach((entry, i) => {
    const at = `${key}.${i}`;
    if (seen.has(entry.appId)) {
      problems.push({ key: `${at}.appId`, problem: `App ${entry.appId} is listed twice`, fix: FIX });
    }
    seen.add(entry.appId);
    let privateKey = entry.privateKey;
    if (entry.privateKeyPath !== undefined) {
      try {
        privateKey = readFile(entry.privateKeyPath);
      } catch (error) {
        problems.push({
          key: `${at}.privateKeyPath`,
          problem: `cannot read ${entry.privateKeyPath} (${(error as Error).message})`,
          fix: "check the path",
        });
        return;
      }
      if (!PEM.test(privateKey)) {
        problems.push({ key: `${at}.privateKeyPath`, problem: "does not hold a PEM private key", fix: FIX });
        return;
      }
    }
    apps.push({ appId: entry.appId, privateKey: privateKey! });
  });
  return problems.length > 0 ? { problems } : { apps, problems };
}
