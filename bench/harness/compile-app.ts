import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { buildClient } from "../../src/dashboard/assets/build-client.js";
import { CLIENT_FILES } from "../../src/dashboard/assets/load-client.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const OUT = `${ROOT}.bench/build/`;

/**
 * Compiles the bench's app entry and the app with tsc into `.bench/build` (incremental) and writes the
 * dashboard bundle beside it, as `npm run build` does for dist/, so an app process runs as production
 * does (`npm start`: plain JavaScript, no tsx loader thread transforming modules beside it, no bundling
 * at startup). Returns the compiled entry's path.
 */
export async function compileApp(): Promise<string> {
  execFileSync(
    process.execPath,
    [`${ROOT}node_modules/typescript/bin/tsc`, "-p", `${ROOT}bench/tsconfig.app.json`],
    {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const publicDir = `${OUT}src/dashboard/public/`;
  const assets = await buildClient();
  await mkdir(publicDir, { recursive: true });
  for (const key of ["js", "css", "icon"] as const)
    await writeFile(`${publicDir}${CLIENT_FILES[key]}`, assets[key]);
  return `${OUT}bench/harness/app-child.js`;
}
