import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Compiles the bench's app entry and the app with tsc into `.bench/build` (incremental), so an app
 * process runs as production does (`node dist/src/main.js`: plain JavaScript, no tsx loader thread
 * transforming modules beside it). Returns the compiled entry's path.
 */
export function compileApp(): string {
  execFileSync(
    process.execPath,
    [`${ROOT}node_modules/typescript/bin/tsc`, "-p", `${ROOT}bench/tsconfig.app.json`],
    {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  return `${ROOT}.bench/build/bench/harness/app-child.js`;
}
