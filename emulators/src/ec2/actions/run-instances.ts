import { dryRun, insufficientCapacity, invalidValue, missing } from "../api-error.js";
import type { ActionHandler, Ec2Context } from "../context.js";
import { newId } from "../ids.js";
import { reservationXml } from "../instance-xml.js";
import { type LaunchParams, parseLaunchParams } from "../launch-params.js";
import { mergeLaunchParams } from "../launch-templates.js";
import { launchInstances } from "../launcher.js";
import type { InstanceRecord } from "../model.js";
import type { Query } from "../query.js";
import { type ResolvedLaunch, resolveLaunch } from "../resolve-launch.js";
import { children } from "../xml.js";

/** The earlier answer for a token; the records stay referenced after their retention ends. */
interface Remembered {
  reservationId: string;
  instances: InstanceRecord[];
}

/**
 * RunInstances: launches as many instances as capacity allows between MinCount and MaxCount, or none
 * (InsufficientInstanceCapacity). ClientToken makes it idempotent, scoped to the AZ when a subnet is named
 * (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html).
 */
export const runInstances: ActionHandler = (q, ctx) => {
  const { min, max } = counts(q);
  const { params, launchTemplate } = withTemplate(q, ctx);
  const launch = resolveLaunch(params, ctx.options);
  if (q.bool("DryRun")) throw dryRun();
  const token = q.str("ClientToken") ?? newId("token");
  if (token.length > 64) throw invalidValue("ClientToken", token, "Client tokens are at most 64 characters.");
  const key = `run:${token}:${launch.zonal ? launch.availabilityZone : ctx.options.region}`;
  const fingerprint = q.fingerprint(["Action", "Version", "ClientToken", "DryRun"]);
  const earlier = ctx.store.idempotent<Remembered>(key, fingerprint);
  if (earlier) {
    return children(reservationXml(earlier.reservationId, ctx.options.accountId, earlier.instances));
  }

  const count = Math.min(max, available(launch, ctx));
  if (count < min) throw insufficientCapacity(launch.instanceType, launch.availabilityZone, launch.market);
  ctx.throttler.resource("runInstancesResource", count);
  const reservationId = newId("r");
  const instances = launchInstances(launch, count, ctx, {
    reservationId,
    clientToken: token,
    ...(launchTemplate ? { launchTemplate, systemTags: templateTags(launchTemplate) } : {}),
  });
  ctx.store.remember(key, fingerprint, { reservationId, instances });
  return children(reservationXml(reservationId, ctx.options.accountId, instances));
};

function counts(q: Query): { min: number; max: number } {
  const min = q.int("MinCount");
  const max = q.int("MaxCount");
  if (min === undefined) throw missing("MinCount");
  if (max === undefined) throw missing("MaxCount");
  if (min < 1) throw invalidValue("MinCount", String(min), "MinCount must be at least 1.");
  if (max < min) throw invalidValue("MaxCount", String(max), "MaxCount must be at least MinCount.");
  return { min, max };
}

function withTemplate(
  q: Query,
  ctx: Ec2Context,
): { params: LaunchParams; launchTemplate?: { id: string; name: string; version: string } } {
  const request = parseLaunchParams(q);
  const ref = q.sub("LaunchTemplate");
  if (!ref) return { params: request };
  const spec = {
    id: ref.str("LaunchTemplateId"),
    name: ref.str("LaunchTemplateName"),
    version: ref.str("Version"),
  };
  const { template, version, data } = ctx.templates.resolve(spec);
  return {
    params: mergeLaunchParams(data, request),
    launchTemplate: { id: template.id, name: template.name, version: String(version) },
  };
}

/** EC2 tags instances launched from a template with the template's id and version. */
function templateTags(t: { id: string; version: string }): Record<string, string> {
  return { "aws:ec2launchtemplate:id": t.id, "aws:ec2launchtemplate:version": t.version };
}

function available(launch: ResolvedLaunch, ctx: Ec2Context): number {
  return ctx.capacity.available(launch, ctx.store.all());
}
