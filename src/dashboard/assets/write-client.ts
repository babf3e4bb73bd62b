import { mkdir, writeFile } from "node:fs/promises";
import { buildClient } from "./build-client.js";
import { CLIENT_FILES } from "./load-client.js";

/**
 * `npm run build`, after tsc: writes the dashboard bundle where the compiled server looks for it
 * (load-client.ts), so production serves it without esbuild. Run with tsx from the source tree.
 */
const out = new URL("../../../dist/src/dashboard/public/", import.meta.url);
const assets = await buildClient();
await mkdir(out, { recursive: true });
for (const key of ["js", "css", "icon"] as const) {
  await writeFile(new URL(CLIENT_FILES[key], out), assets[key]);
  console.log(`dist/src/dashboard/public/${CLIENT_FILES[key]}  ${Buffer.byteLength(assets[key])} bytes`);
}
