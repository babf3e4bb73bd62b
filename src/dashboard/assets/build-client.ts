import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

export interface ClientAssets {
  js: string;
  css: string;
  icon: string;
}

/** The browser code: TypeScript modules and stylesheets, checked by their own tsconfig (DOM library). */
export const CLIENT_SOURCE = new URL("../client/", import.meta.url);

/**
 * Bundles the client into one classic script (the page loads it with `defer`; the CSP allows only this
 * origin's files, so nothing is inline) and one stylesheet. Not minified: the admin page is small and
 * stays readable in the browser's devtools.
 */
export async function buildClient(source: URL = CLIENT_SOURCE): Promise<ClientAssets> {
  const path = (name: string) => fileURLToPath(new URL(name, source));
  const result = await (await importEsbuild()).build({
    entryPoints: [
      { in: path("main.ts"), out: "dashboard" },
      { in: path("dashboard.css"), out: "dashboard" },
    ],
    outdir: path("."),
    write: false,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    charset: "utf8",
    legalComments: "none",
    logLevel: "silent",
    tsconfig: path("tsconfig.json"),
  });
  const output = (name: string) => {
    const file = result.outputFiles.find((f) => f.path === path(name));
    if (!file) throw new Error(`esbuild produced no ${name}`);
    return file.text;
  };
  return {
    js: output("dashboard.js"),
    css: output("dashboard.css"),
    icon: await readFile(path("icon.svg"), "utf8"),
  };
}

/**
 * esbuild is a devDependency, imported only when a bundle is built: the production image is pruned of
 * it and serves the bundle `npm run build` wrote.
 */
async function importEsbuild(): Promise<typeof import("esbuild")> {
  try {
    return await import("esbuild");
  } catch (error) {
    throw new Error("the dashboard bundle was not built and esbuild is not installed: run `npm run build`", {
      cause: error,
    });
  }
}
