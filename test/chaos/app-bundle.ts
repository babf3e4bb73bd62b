import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { buildClient } from "../../src/dashboard/assets/build-client.js";
import { CLIENT_FILES } from "../../src/dashboard/assets/load-client.js";

/**
 * `src/main.ts` bundled into one ESM file, built once per test process. A chaos run starts each role
 * several times and the machine has two cores: the bundle starts in about a third of the time that
 * `node --import tsx src/main.ts` needs (no per-file resolution or transform), and it runs the same code.
 * `--tsx` on the CLI runs the sources instead. esbuild comes with tsx and vite.
 */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

// CommonJS dependencies expect these; pino names __dirname only for worker transports, unused here.
const BANNER = [
  'import { createRequire as __chaosRequire } from "node:module";',
  'import { fileURLToPath as __chaosPath } from "node:url";',
  "const require = __chaosRequire(import.meta.url);",
  "const __filename = __chaosPath(import.meta.url);",
  'const __dirname = __filename.slice(0, __filename.lastIndexOf("/"));',
].join("\n");

let bundled: Promise<string> | undefined;

/** The node arguments that start Mayfly: the bundle's path. */
export function appBundle(): Promise<string> {
  bundled ??= (async () => {
    const root = mkdtempSync(join(tmpdir(), "mayfly-chaos-app-"));
    const outfile = join(root, "app", "main.mjs");
    // The dashboard bundle goes where the bundled server looks for a built one (load-client.ts: ../public
    // from the module), as `npm run build` does for dist/: esbuild's API cannot run inside a bundle.
    const assets = await buildClient();
    mkdirSync(join(root, "public"), { recursive: true });
    for (const key of ["js", "css", "icon"] as const)
      writeFileSync(join(root, "public", CLIENT_FILES[key]), assets[key]);
    await build({
      entryPoints: [join(ROOT, "src/main.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile,
      banner: { js: BANNER },
      logLevel: "warning",
      external: ["esbuild"],
    });
    return outfile;
  })();
  return bundled;
}
