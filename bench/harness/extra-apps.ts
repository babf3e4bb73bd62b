import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Sandbox } from "../../sandbox/sandbox.js";

/**
 * `count` more App identities for the bench: registered in the GitHub emulator, installed on the
 * sandbox's org, and listed in a GITHUB_APPS_FILE (keys inline) in a temporary folder removed by `remove`.
 */
export function createExtraApps(sandbox: Sandbox, count: number): { file?: string; remove(): void } {
  if (count <= 0) return { remove: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), "mayfly-bench-apps-"));
  const apps = Array.from({ length: count }, (_, i) => {
    const app = sandbox.github.registerApp({
      name: `Mayfly (sandbox) ${i + 2}`,
      webhookSecret: randomBytes(24).toString("hex"),
      events: [],
    });
    sandbox.github.installApp(app.id, sandbox.org);
    return { appId: app.id, privateKey: app.privateKeyPem };
  });
  const file = join(dir, "apps.json");
  writeFileSync(file, JSON.stringify(apps), { mode: 0o600 });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
