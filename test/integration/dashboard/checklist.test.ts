import { afterEach, describe, expect, it } from "vitest";
import type { ChecklistItem } from "../../../src/setup/checklist.js";
import { createHarness, type Harness, sessionCookie, TOKEN } from "./harness.js";

/**
 * The dashboard's setup panel: GET /api/v1/checklist answers the setup checklist with each failed item's
 * fix, to operators only, one run shared for 30 s; the page carries the panel for operators only.
 */
const ITEMS: ChecklistItem[] = [
  { label: "App registered", status: "ok", detail: "Mayfly (mayfly)" },
  {
    label: "Image of pool linux",
    status: "fail",
    detail: "ami-0000000000000b003 is deregistered; no instance can launch from it",
    fix: "point the pool at a current image",
  },
];

let h: Harness | undefined;
afterEach(() => h?.close());

function harness(items: () => Promise<ChecklistItem[]>): { h: Harness; runs: () => number } {
  let runs = 0;
  h = createHarness({
    deps: {
      checklist: {
        run: () => {
          runs += 1;
          return items();
        },
      },
    },
  });
  return { h, runs: () => runs };
}
const bearer = { authorization: `Bearer ${TOKEN}` };

describe("GET /api/v1/checklist", () => {
  it("answers every item, each failed one with its fix, and how many need a look", async () => {
    const { h } = harness(async () => ITEMS);
    const res = await h.app.request("/api/v1/checklist", { headers: bearer });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ items: ITEMS, failed: 1 });
  });

  it("shares one run for 30 s, then runs again; a failed run is not kept", async () => {
    let fail = true;
    const { h, runs } = harness(async () => {
      if (fail) throw new Error("GitHub is down");
      return ITEMS;
    });
    expect((await h.app.request("/api/v1/checklist", { headers: bearer })).status).toBe(500);
    fail = false;
    for (let i = 0; i < 3; i++)
      expect((await h.app.request("/api/v1/checklist", { headers: bearer })).status).toBe(200);
    expect(runs()).toBe(2);
    h.advance(30_000);
    await h.app.request("/api/v1/checklist", { headers: bearer });
    expect(runs()).toBe(3);
  });

  it("is for operators: an org admin is refused and the checklist is not run", async () => {
    const { h, runs } = harness(async () => ITEMS);
    const res = await h.app.request("/api/v1/checklist", {
      headers: { cookie: await sessionCookie("alice", ["acme"]) },
    });
    expect(res.status).toBe(403);
    expect(runs()).toBe(0);
    expect((await h.app.request("/api/v1/checklist")).status).toBe(401);
    expect((await h.app.request("/api/v1/checklist?x=1", { headers: bearer })).status).toBe(400);
  });

  it("the page has the setup panel for an operator and not for an org admin", async () => {
    const { h } = harness(async () => ITEMS);
    const page = async (orgs: string[] | "all") =>
      (await h.app.request("/dashboard", { headers: { cookie: await sessionCookie("alice", orgs) } })).text();
    expect(await page("all")).toContain('id="setup-panel"');
    expect(await page(["acme"])).not.toContain('id="setup-panel"');
  });
});
