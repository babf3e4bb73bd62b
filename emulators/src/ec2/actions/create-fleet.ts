import { randomUUID } from "node:crypto";
import {
  type AllocationStrategy,
  type Candidate,
  ON_DEMAND_STRATEGIES,
  orderPools,
  SPOT_STRATEGIES,
  spotPrice,
} from "../allocation.js";
import { dryRun, Ec2ApiError, insufficientCapacity, invalidValue, missing } from "../api-error.js";
import type { ActionHandler, Ec2Context } from "../context.js";
import { newId } from "../ids.js";
import type { LaunchParams } from "../launch-params.js";
import { mergeLaunchParams, type StoredTemplate } from "../launch-templates.js";
import { launchInstances } from "../launcher.js";
import type { Market } from "../model.js";
import type { Query } from "../query.js";
import { resolveLaunch } from "../resolve-launch.js";
import { parseTagSpecifications } from "../tags.js";
import { children, type XmlValue } from "../xml.js";

interface Pool {
  template: StoredTemplate;
  version: number;
  data: LaunchParams;
  overrides: { instanceType?: string; subnetId?: string; imageId?: string; priority?: number };
}

/**
 * CreateFleet `Type=instant`: fills the spot and on-demand targets from the override pools in the order
 * the allocation strategy gives (allocation.ts; `SpotOptions.AllocationStrategy` defaults to
 * lowest-price, `OnDemandOptions.AllocationStrategy` to lowest-price, as on EC2). Shortfalls come back as
 * HTTP 200 with `errorSet` items, not exceptions; there is no automatic spot → on-demand fallback
 * (reference/api-facts.md §3.3).
 */
export const createFleet: ActionHandler = (q, ctx) => {
  if (q.str("Type") !== "instant") {
    throw invalidValue("Type", q.str("Type") ?? "maintain", "The emulator supports only instant fleets.");
  }
  const targets = targetsOf(q);
  const pools = poolsOf(q, ctx);
  const strategies = strategiesOf(q);
  const tags = parseTagSpecifications(q, ["fleet", "instance", "volume", "network-interface"]);
  const token = q.str("ClientToken") ?? randomUUID();
  const key = `fleet:${token}`;
  const fingerprint = q.fingerprint(["Action", "Version", "ClientToken", "DryRun"]);
  const earlier = ctx.store.idempotent<string>(key, fingerprint);
  if (earlier !== undefined) return earlier;
  if (q.bool("DryRun")) throw dryRun();

  const fleetId = `fleet-${randomUUID()}`;
  const errors: XmlValue[] = [];
  const launched: XmlValue[] = [];
  for (const market of ["spot", "on-demand"] as const) {
    let remaining = targets[market];
    for (const pool of ordered(pools, market, strategies[market], remaining, ctx)) {
      if (remaining <= 0) break;
      const result = launchFromPool({ pool, market, wanted: remaining, tags, fleetId }, ctx);
      remaining -= result.count;
      if (result.error) errors.push(result.error);
      if (result.launched) launched.push(result.launched);
    }
  }
  const body = children({ fleetId, errorSet: errors, fleetInstanceSet: launched });
  ctx.store.remember(key, fingerprint, body);
  return body;
};

interface PoolLaunch {
  pool: Pool;
  market: Market;
  wanted: number;
  tags: Record<string, Record<string, string>>;
  fleetId: string;
}

/** One pool's share: what it launched and, when it fell short or failed, an errorSet item. */
function launchFromPool(
  { pool, market, wanted, tags, fleetId }: PoolLaunch,
  ctx: Ec2Context,
): { count: number; launched?: XmlValue; error?: XmlValue } {
  try {
    const params = mergeLaunchParams(pool.data, {
      ...definedOverrides(pool),
      market,
      instanceTags: tags.instance,
      volumeTags: tags.volume,
    });
    const launch = resolveLaunch(params, ctx.options);
    const count = Math.min(wanted, ctx.capacity.available(launch, ctx.store.all()));
    const error =
      count < wanted
        ? errorItem(pool, market, insufficientCapacity(launch.instanceType, launch.availabilityZone, market))
        : undefined;
    if (count === 0) return { count, error };
    const records = launchInstances(launch, count, ctx, {
      reservationId: newId("r"),
      clientToken: fleetId,
      fleetId,
      launchTemplate: { id: pool.template.id, name: pool.template.name, version: String(pool.version) },
      systemTags: { "aws:ec2:fleet-id": fleetId },
    });
    const launched = {
      launchTemplateAndOverrides: poolXml(pool),
      lifecycle: market,
      instanceIds: records.map((r) => r.instanceId),
      instanceType: launch.instanceType,
      subnetId: launch.subnetId,
      availabilityZone: launch.availabilityZone,
    };
    return { count, launched, error };
  } catch (error) {
    // Per-pool problems (a bad subnet override, say) are reported in errorSet, as EC2 does.
    if (!(error instanceof Ec2ApiError)) throw error;
    return { count: 0, error: errorItem(pool, market, error) };
  }
}

function targetsOf(q: Query): Record<Market, number> {
  const spec = q.sub("TargetCapacitySpecification");
  if (!spec) throw missing("TargetCapacitySpecification");
  const total = spec.int("TotalTargetCapacity");
  if (total === undefined) throw missing("TargetCapacitySpecification.TotalTargetCapacity");
  if (total < 1) throw invalidValue("TotalTargetCapacity", String(total));
  const kind = spec.str("DefaultTargetCapacityType") ?? "on-demand";
  if (kind !== "spot" && kind !== "on-demand") throw invalidValue("DefaultTargetCapacityType", kind);
  const spot = spec.int("SpotTargetCapacity") ?? 0;
  const onDemand = spec.int("OnDemandTargetCapacity") ?? 0;
  if (spot + onDemand > total) {
    throw invalidValue(
      "TotalTargetCapacity",
      String(total),
      "It must be at least the sum of the spot and on-demand targets.",
    );
  }
  const rest = total - spot - onDemand;
  return {
    spot: spot + (kind === "spot" ? rest : 0),
    "on-demand": onDemand + (kind === "on-demand" ? rest : 0),
  };
}

function poolsOf(q: Query, ctx: Ec2Context): Pool[] {
  const configs = q.list("LaunchTemplateConfigs");
  if (configs.length === 0) throw missing("LaunchTemplateConfigs");
  const pools = configs.flatMap((config) => {
    const spec = config.sub("LaunchTemplateSpecification");
    if (!spec) throw missing("LaunchTemplateConfigs.LaunchTemplateSpecification");
    const resolved = ctx.templates.resolve({
      id: spec.str("LaunchTemplateId"),
      name: spec.str("LaunchTemplateName"),
      version: spec.str("Version"),
    });
    const overrides = config.list("Overrides");
    const list = overrides.length > 0 ? overrides : [undefined];
    return list.map((o) => ({
      ...resolved,
      overrides: {
        instanceType: o?.str("InstanceType"),
        subnetId: o?.str("SubnetId"),
        imageId: o?.str("ImageId"),
        priority: o?.has("Priority") ? Number(o.str("Priority")) : undefined,
      },
    }));
  });
  return pools;
}

function strategiesOf(q: Query): Record<Market, AllocationStrategy> {
  const spot = q.sub("SpotOptions")?.str("AllocationStrategy") ?? "lowest-price";
  const onDemand = q.sub("OnDemandOptions")?.str("AllocationStrategy") ?? "lowest-price";
  if (!(SPOT_STRATEGIES as readonly string[]).includes(spot)) {
    throw invalidValue("SpotOptions.AllocationStrategy", spot);
  }
  if (!(ON_DEMAND_STRATEGIES as readonly string[]).includes(onDemand)) {
    throw invalidValue("OnDemandOptions.AllocationStrategy", onDemand);
  }
  return { spot: spot as AllocationStrategy, "on-demand": onDemand as AllocationStrategy };
}

/** On-demand prices are not modelled apart from spot: a fixed multiple keeps the same order by type. */
const ON_DEMAND_MARKUP = 3;

function ordered(
  pools: Pool[],
  market: Market,
  strategy: AllocationStrategy,
  wanted: number,
  ctx: Ec2Context,
) {
  const candidates: Candidate[] = pools.map((pool, index) => {
    try {
      const launch = resolveLaunch(
        mergeLaunchParams(pool.data, { ...definedOverrides(pool), market }),
        ctx.options,
      );
      const price = spotPrice(ctx.options.spotPrices, launch.instanceType, launch.availabilityZone);
      return {
        index,
        priority: pool.overrides.priority,
        price: market === "spot" ? price : price * ON_DEMAND_MARKUP,
        spare: ctx.capacity.available(launch, ctx.store.all()),
      };
    } catch {
      return { index, priority: pool.overrides.priority, spare: 0 };
    }
  });
  return orderPools(strategy, wanted, candidates).map((i) => pools[i] as Pool);
}

function definedOverrides(pool: Pool): LaunchParams {
  const { instanceType, subnetId, imageId } = pool.overrides;
  return {
    ...(instanceType ? { instanceType } : {}),
    ...(subnetId ? { subnetId } : {}),
    ...(imageId ? { imageId } : {}),
  };
}

function poolXml(pool: Pool): XmlValue {
  return {
    launchTemplateSpecification: { launchTemplateId: pool.template.id, version: String(pool.version) },
    overrides: {
      instanceType: pool.overrides.instanceType,
      subnetId: pool.overrides.subnetId,
      imageId: pool.overrides.imageId,
      priority: pool.overrides.priority,
    },
  };
}

function errorItem(pool: Pool, market: Market, error: Ec2ApiError): XmlValue {
  return {
    launchTemplateAndOverrides: poolXml(pool),
    lifecycle: market,
    errorCode: error.code,
    errorMessage: error.message,
  };
}
