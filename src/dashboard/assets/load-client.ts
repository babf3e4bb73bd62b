import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { buildClient, type ClientAssets } from "./build-client.js";

/**
 * Where `npm run build` writes the bundle: next to the compiled server (dist/src/dashboard/public).
 * Run from source (tsx: `npm run dev`, the demo, the tests) there is no such folder, so the bundle is
 * built from src/dashboard/client once, at startup.
 */
export const BUILT_CLIENT = new URL("../public/", import.meta.url);

export const CLIENT_FILES = { js: "dashboard.js", css: "dashboard.css", icon: "icon.svg" } as const;

export async function loadClient(
  options: { builtDir?: URL; build?: () => Promise<ClientAssets> } = {},
): Promise<ClientAssets> {
  const dir = options.builtDir ?? BUILT_CLIENT;
  if (!existsSync(new URL(CLIENT_FILES.js, dir))) return (options.build ?? buildClient)();
  const read = (name: string) => readFile(new URL(name, dir), "utf8");
  const [js, css, icon] = await Promise.all([
    read(CLIENT_FILES.js),
    read(CLIENT_FILES.css),
    read(CLIENT_FILES.icon),
  ]);
  return { js, css, icon };
}
