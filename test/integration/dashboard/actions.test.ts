import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunnerRow } from "../../../src/dashboard/runner-rows.js";
import { CSRF, createHarness, type Harness, json, PREFIX, sessionCookie, TOKEN } from "./harness.js";

type RunnersBody = { runners: RunnerRow[] };

/** Drain and terminate: the right adapters are called in the right order, and who did it is recorded. */

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.close());

const bearer = { authorization: `Bearer ${TOKEN}` };
const post = (path: string, headers: Record<string, string> = bearer) =>
  h.app.request(path, { method: "POST", headers });

async function running(org: string, runner?: { busy: boolean }) {
  const id = await h.launch(org);
  h.fleet.setState(id, "running");
  const added = runner && h.runners.add(org, id, runner.busy);
  return { id, runnerId: added?.id };
}

const stateOf = (id: string) => h.fleet.instances().find((i) => i.instanceId === id)?.state;

describe("POST /api/v1/runners/{instanceId}/drain", () => {
  it("removes an idle runner from GitHub, then terminates its instance, and records who did it", async () => {
    const { id, runnerId } = await running("acme", { busy: false });
    const cookie = await sessionCookie("alice", ["acme"]);
    const res = await post(`/api/v1/runners/${id}/drain`, { cookie, "x-csrf-token": CSRF });
    expect(res.status).toBe(200);
    const message = `alice drained ${PREFIX}${id}: runner removed, instance terminated`;
    expect(await res.json()).toEqual({ ok: true, message });
    expect(h.runners.removed).toEqual([{ org: "acme", runnerId }]);
    expect(h.fleet.terminations).toEqual([[id]]);
    expect(stateOf(id)).toBe("terminated");
    expect(h.events.list().at(-1)).toMatchObject({
      kind: "admin.action",
      reason: "admin-drain",
      message,
      instanceId: id,
      runnerName: `${PREFIX}${id}`,
      org: "acme",
      pool: "linux",
    });
    expect((await h.metrics.reaps.get()).values).toEqual([
      expect.objectContaining({ labels: { reason: "admin-drain", action: "terminated" }, value: 1 }),
    ]);
  });

  it("refuses a busy runner with 409 and touches nothing", async () => {
    const { id } = await running("acme", { busy: true });
    const res = await post(`/api/v1/runners/${id}/drain`);
    expect(res.status).toBe(409);
    expect((await json(res)).error).toMatch(/is running a job/);
    expect(h.runners.removed).toEqual([]);
    expect(h.fleet.terminations).toEqual([]);
    expect(h.events.list()).toEqual([]);
  });

  it("answers 409 when GitHub refuses the removal because the runner just took a job", async () => {
    const { id, runnerId } = await running("acme", { busy: false });
    h.runners.busyOnRemove.add(runnerId!);
    const res = await post(`/api/v1/runners/${id}/drain`);
    expect(res.status).toBe(409);
    expect(h.fleet.terminations).toEqual([]);
  });

  it("terminates a booting instance that has no runner yet", async () => {
    const { id } = await running("acme");
    const res = await post(`/api/v1/runners/${id}/drain`);
    expect(res.status).toBe(200);
    expect((await json(res)).message).toBe(`api-token drained ${PREFIX}${id}: instance terminated`);
    expect(h.fleet.terminations).toEqual([[id]]);
  });
});

describe("POST /api/v1/instances/{instanceId}/terminate", () => {
  it("terminates the instance (even with a busy runner) and records who did it", async () => {
    const { id } = await running("acme", { busy: true });
    const cookie = await sessionCookie("alice", ["acme"]);
    const res = await post(`/api/v1/instances/${id}/terminate`, { cookie, "x-csrf-token": CSRF });
    expect(res.status).toBe(200);
    expect(h.fleet.terminations).toEqual([[id]]);
    expect(h.runners.removed).toEqual([]);
    expect(h.events.list().at(-1)).toMatchObject({
      kind: "admin.action",
      reason: "admin-terminate",
      message: `alice terminated instance ${id}`,
      instanceId: id,
      org: "acme",
    });
  });

  it("shows the change at once (the cached observation is dropped)", async () => {
    const { id } = await running("acme", { busy: false });
    const before = await json<RunnersBody>(await h.app.request("/api/v1/runners", { headers: bearer }));
    expect(before.runners.map((r) => r.instanceId)).toEqual([id]);
    await post(`/api/v1/instances/${id}/terminate`);
    const after = await json<RunnersBody>(await h.app.request("/api/v1/runners", { headers: bearer }));
    expect(after.runners).toEqual([]);
  });
});

describe("only this deployment's instances, of the viewer's orgs", () => {
  it.each(["drain", "terminate"])(
    "%s: 404 for an instance of another deployment, or one that does not exist",
    async (action) => {
      const other = h.fleet.forDeployment("someone-else");
      const foreign = await h.launch("acme", { fleet: other });
      const path = (id: string) =>
        action === "drain" ? `/api/v1/runners/${id}/drain` : `/api/v1/instances/${id}/terminate`;
      const res = await post(path(foreign));
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: "no such instance in this deployment" });
      expect((await post(path("i-0123456789abcdef0"))).status).toBe(404);
      expect(h.fleet.terminations).toEqual([]);
      expect(stateOf(foreign)).toBe("pending");
    },
  );

  it.each(["drain", "terminate"])(
    "%s: 404 for an org admin acting on another org's instance",
    async (action) => {
      const { id } = await running("globex", { busy: false });
      const cookie = await sessionCookie("alice", ["acme"]);
      const path = action === "drain" ? `/api/v1/runners/${id}/drain` : `/api/v1/instances/${id}/terminate`;
      expect((await post(path, { cookie, "x-csrf-token": CSRF })).status).toBe(404);
      expect(h.fleet.terminations).toEqual([]);
      expect(h.runners.removed).toEqual([]);
    },
  );

  it("404 for an instance already terminated", async () => {
    const { id } = await running("acme");
    h.fleet.setState(id, "terminated");
    expect((await post(`/api/v1/instances/${id}/terminate`)).status).toBe(404);
  });
});
