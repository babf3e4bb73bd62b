import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buildClient } from "../../../src/dashboard/assets/build-client.js";
import { loadClient } from "../../../src/dashboard/assets/load-client.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<URL> {
  const dir = await mkdtemp(join(tmpdir(), "mayfly-client-"));
  dirs.push(dir);
  return pathToFileURL(`${dir}/`);
}

describe("loadClient", () => {
  it("serves the bundle `npm run build` wrote, without building (production has no esbuild)", async () => {
    const dir = await tempDir();
    await writeFile(new URL("dashboard.js", dir), "built js");
    await writeFile(new URL("dashboard.css", dir), "built css");
    await writeFile(new URL("icon.svg", dir), "<svg/>");
    const build = vi.fn(buildClient);
    expect(await loadClient({ builtDir: dir, build })).toEqual({
      js: "built js",
      css: "built css",
      icon: "<svg/>",
    });
    expect(build).not.toHaveBeenCalled();
  });

  it("builds from source when there is no bundle (tsx: dev, demo, tests)", async () => {
    const built = { js: "fresh js", css: "fresh css", icon: "<svg/>" };
    const build = vi.fn(async () => built);
    expect(await loadClient({ builtDir: await tempDir(), build })).toBe(built);
    expect(build).toHaveBeenCalledOnce();
  });
});

describe("buildClient", () => {
  it("bundles the modules into one classic script and the partial stylesheets into one", async () => {
    const { js, css, icon } = await buildClient();
    // A classic script (the page loads it with defer, not as a module): no import or export is left.
    expect(js).not.toMatch(/^\s*(import|export)\s/m);
    expect(js).toContain("document.getElementById(id)");
    expect(js).toContain("/api/v1/stream");
    // No innerHTML anywhere: API values reach the page as text.
    expect(js).not.toContain("innerHTML");
    expect(css).not.toContain("@import");
    for (const rule of [
      ":root",
      ".topbar",
      "table.data",
      ".chart svg",
      "dialog",
      "@media (max-width: 640px)",
    ])
      expect(css).toContain(rule);
    expect(icon).toMatch(/^<svg /);
  });
});
