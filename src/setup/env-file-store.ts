import { chmod, readFile, rename, writeFile } from "node:fs/promises";
import { parseEnv } from "node:util";
import { type AppCredentials, CREDENTIAL_KEYS, hasCredentials } from "./app-credentials.js";
import type { CredentialStore } from "./credential-store.js";

/**
 * Keeps the credentials in a `.env` file (mode 600), which src/config.ts loads at the next start. Other
 * lines of the file are kept; earlier values of the same keys are replaced. Written to a temporary file
 * first and renamed, so a crash never leaves half a key.
 */
export function createEnvFileStore(path: string): CredentialStore {
  return {
    where: path,
    async save(credentials) {
      const existing = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return "";
        throw error;
      });
      const keys = new Set<string>(CREDENTIAL_KEYS);
      const kept = existing.split("\n").filter(
        (line) =>
          !keys.has(
            line
              .replace(/^\s*(export\s+)?/, "")
              .split("=")[0]
              ?.trim() ?? "",
          ),
      );
      while (kept.length > 0 && kept.at(-1) === "") kept.pop();
      const block = CREDENTIAL_KEYS.map((key) => `${key}=${quote(key, credentials[key])}`);
      const text = [
        ...kept,
        ...(kept.length ? [""] : []),
        "# GitHub App credentials, written by Mayfly's setup mode",
        ...block,
        "",
      ].join("\n");
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, text, { mode: 0o600 });
      await rename(temporary, path);
      await chmod(path, 0o600);
    },
    async load() {
      const text = await readFile(path, "utf8").catch(() => "");
      const env = parseEnv(text);
      if (!hasCredentials(env)) return undefined;
      return Object.fromEntries(CREDENTIAL_KEYS.map((k) => [k, env[k] ?? ""])) as AppCredentials;
    },
  };
}

/** Double quotes with `\n` for newlines: what dotenv and Node's parseEnv both read back. */
function quote(key: string, value: string): string {
  const escaped = value.replace(/\r?\n/g, "\\n");
  if (/["\r]/.test(escaped)) throw new Error(`${key} holds a character .env cannot carry`);
  return `"${escaped}"`;
}
