import { runnerShape } from "./actions-shapes.js";
import type { ApiDeps } from "./api-deps.js";
import { ApiError, notFound } from "./api-error.js";
import { requireOrgAccess } from "./auth.js";
import { isoSeconds, randomBase62 } from "./ids.js";
import { validateJitConfigBody } from "./jit-config-body.js";
import { paginate } from "./pagination.js";
import type { OrgRecord, RunnerRecord } from "./records.js";
import type { Route, RouteContext } from "./router.js";

/**
 * Organization self-hosted runners.
 * https://docs.github.com/rest/actions/self-hosted-runners
 */

const DOCS = "https://docs.github.com/rest/actions/self-hosted-runners";
const PERMISSION = "organization_self_hosted_runners";

export function runnerRoutes(deps: ApiDeps): Route[] {
  const { world } = deps;
  const orgFor = (ctx: RouteContext, level: "read" | "write"): OrgRecord => {
    const org = world.org(ctx.params.org ?? "");
    if (!org) throw notFound();
    requireOrgAccess(ctx.caller, org, PERMISSION, level);
    return org;
  };
  const runnerFor = (org: OrgRecord, raw: string | undefined): RunnerRecord => {
    const runner = /^\d+$/.test(raw ?? "") ? world.runners.get(Number(raw)) : undefined;
    if (!runner || runner.orgRecord !== org) throw notFound();
    return runner;
  };

  return [
    {
      method: "GET",
      template: "/orgs/{org}/actions/runners",
      docs: `${DOCS}#list-self-hosted-runners-for-an-organization`,
      auth: "any",
      handler: (ctx) => {
        const name = ctx.query.get("name");
        const all = world.runnersOf(orgFor(ctx, "read")).filter((r) => name === null || r.name === name);
        const { page, headers } = paginate(all, ctx.query, ctx.selfUrl);
        return { status: 200, body: { total_count: all.length, runners: page.map(runnerShape) }, headers };
      },
    },
    {
      method: "GET",
      template: "/orgs/{org}/actions/runners/{runner_id}",
      docs: `${DOCS}#get-a-self-hosted-runner-for-an-organization`,
      auth: "any",
      handler: (ctx) => ({
        status: 200,
        body: runnerShape(runnerFor(orgFor(ctx, "read"), ctx.params.runner_id)),
      }),
    },
    {
      method: "DELETE",
      template: "/orgs/{org}/actions/runners/{runner_id}",
      docs: `${DOCS}#delete-a-self-hosted-runner-from-an-organization`,
      auth: "any",
      handler: (ctx) => {
        const runner = runnerFor(orgFor(ctx, "write"), ctx.params.runner_id);
        if (runner.busy) {
          // GitHub's wording, stray trailing quote included (seen in iterative/cml#1255 logs).
          throw new ApiError(422, `Bad request - Runner "${runner.name}" is still running a job"`);
        }
        deps.broker.remove(runner);
        return { status: 204 };
      },
    },
    {
      method: "POST",
      template: "/orgs/{org}/actions/runners/generate-jitconfig",
      docs: `${DOCS}#create-configuration-for-a-just-in-time-runner-for-an-organization`,
      auth: "any",
      handler: (ctx) => {
        const org = orgFor(ctx, "write");
        const body = validateJitConfigBody(ctx.body);
        const group = world.group(org, body.runner_group_id);
        if (!group) throw notFound();
        const taken = world.runnersOf(org).some((r) => r.name.toLowerCase() === body.name.toLowerCase());
        if (taken)
          throw new ApiError(409, `Already exists - A runner with the name ${body.name} already exists.`);
        const { runner, encodedJitConfig } = deps.broker.create(org, group, body.name, body.labels);
        deps.stats.jitConfigCreated();
        return { status: 201, body: { runner: runnerShape(runner), encoded_jit_config: encodedJitConfig } };
      },
    },
    {
      method: "POST",
      template: "/orgs/{org}/actions/runners/registration-token",
      docs: `${DOCS}#create-a-registration-token-for-an-organization`,
      auth: "any",
      handler: (ctx) => {
        orgFor(ctx, "write");
        // "The token expires after one hour."
        const token = randomBase62(29).toUpperCase();
        return { status: 201, body: { token, expires_at: isoSeconds(deps.now() + 3_600_000) } };
      },
    },
  ];
}
