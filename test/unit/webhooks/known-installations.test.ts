import { describe, expect, it } from "vitest";
import type { Installation } from "../../../src/github/installations.js";
import {
  createKnownInstallations,
  type InstallationDirectory,
} from "../../../src/webhooks/known-installations.js";

/** An in-memory directory: `listed` is what GET /app/installations returns, `all` what GET by id knows. */
function directory(listed: Installation[], all: Installation[] = listed) {
  const calls = { list: 0, get: [] as number[] };
  const dir: InstallationDirectory = {
    list: async () => {
      calls.list++;
      return listed;
    },
    get: async (id) => {
      calls.get.push(id);
      return all.find((i) => i.installationId === id);
    },
  };
  return { dir, calls };
}
const acme = { installationId: 1, org: "acme" };
const newco = { installationId: 2, org: "newco" };

describe("createKnownInstallations", () => {
  it.each([
    { case: "listed id on its org", id: 1, org: "acme", expected: "known" },
    { case: "listed id, org in other case", id: 1, org: "ACME", expected: "known" },
    { case: "listed id on another org", id: 1, org: "evil", expected: "unknown" },
    { case: "id GitHub knows, installed since the list", id: 2, org: "newco", expected: "known" },
    { case: "id GitHub does not know", id: 3, org: "acme", expected: "unknown" },
  ])("$case → $expected", async ({ id, org, expected }) => {
    const { dir } = directory([acme], [acme, newco]);
    const known = createKnownInstallations({ directory: dir, lookups: { burst: 5, perMinute: 5 } });
    expect(await known.check(id, org)).toBe(expected);
  });

  it("asks GitHub about an unknown id once per recheck interval", async () => {
    let now = 0;
    const { dir, calls } = directory([acme]);
    const known = createKnownInstallations({
      directory: dir,
      lookups: { burst: 10, perMinute: 10 },
      recheckMs: 60_000,
      now: () => now,
    });
    await Promise.all([known.check(9, "acme"), known.check(9, "acme"), known.check(9, "acme")]);
    await known.check(9, "acme");
    expect(calls.get).toEqual([9]);
    now = 60_001;
    await known.check(9, "acme");
    expect(calls.get).toEqual([9, 9]);
  });

  it("spends at most the bucket, then answers unverifiable and remembers nothing", async () => {
    let now = 0;
    const { dir, calls } = directory([acme]);
    const known = createKnownInstallations({
      directory: dir,
      lookups: { burst: 3, perMinute: 60 },
      now: () => now,
    });
    const answers = [];
    for (let id = 100; id < 110; id++) answers.push(await known.check(id, "acme"));
    expect(answers.filter((a) => a === "unknown")).toHaveLength(3);
    expect(answers.filter((a) => a === "unverifiable")).toHaveLength(7);
    expect(calls.get).toHaveLength(3);
    now = 1_000; // one token refilled
    expect(await known.check(105, "acme")).toBe("unknown");
  });

  it("keeps the last good list when GitHub is unreachable", async () => {
    let fail = false;
    const dir: InstallationDirectory = {
      list: async () => {
        if (fail) throw new Error("GitHub down");
        return [acme];
      },
      get: async () => {
        throw new Error("GitHub down");
      },
    };
    const known = createKnownInstallations({ directory: dir, lookups: { burst: 1, perMinute: 1 } });
    expect(await known.check(1, "acme")).toBe("known");
    fail = true;
    expect(await known.check(1, "acme")).toBe("known");
    expect(await known.check(2, "newco")).toBe("unverifiable");
  });
});
