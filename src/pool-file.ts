import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { durationSeconds } from "./duration.js";
import type { ConfigProblem } from "./errors.js";
import { poolFileProblems } from "./pool-file-problems.js";
import { spotSchema } from "./spot-schema.js";
import { warmSchema } from "./warm-schema.js";

/**
 * The pool file: admin-written YAML that says which labels Mayfly serves, on what machines, for whom.
 * Defaults exist only where they are safe; `allow` has none, so a pool without it admits nobody.
 */

const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be lower-case letters, digits and dashes");
const label = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^\s,]+$/, "must not contain spaces or commas");

const allowSchema = z.strictObject({
  orgs: z.array(z.string().min(1)).min(1, "must name at least one org"),
  repositories: z
    .array(z.string().regex(/^[^/\s]+\/[^/\s]+$/, "must look like owner/name (wildcards * allowed)"))
    .min(1)
    .default(["*/*"]),
  visibilities: z
    .array(z.enum(["private", "internal", "public"]))
    .min(1)
    .default(["private", "internal"]),
  allowForks: z.boolean().default(false),
});

/** Where the stack's image pipeline (infra/lib/image-pipeline.ts) writes each variant's newest AMI. */
export const imageParameter = (variant: string, arch: string) => `/mayfly/images/runner-${variant}-${arch}`;

const imageSchema = z.union([
  z
    .string()
    .regex(/^ami-[0-9a-f]{8,17}$/, "must be an AMI id (ami-…), { ssmParameter: /path } or { variant: … }"),
  z.strictObject({
    ssmParameter: z.string().regex(/^\/[\w./-]+$/, "must be an SSM parameter path like /mayfly/ami"),
    /**
     * Accounts that may own the AMI the parameter names (12-digit ids or `amazon`); the app's IAM role
     * may launch only their images (infra/lib/fleet-policy.ts). Default: the deploying account.
     */
    owners: z
      .array(z.string().regex(/^(\d{12}|amazon)$/, "must be a 12-digit account id or amazon"))
      .min(1)
      .optional(),
  }),
  // A variant of Mayfly's own image (docs/runner-image.md) is a name for its pipeline's SSM parameter.
  z
    .strictObject({ variant: z.enum(["minimal", "standard"]), arch: z.enum(["x64", "arm64"]).default("x64") })
    .transform((image) => ({ ssmParameter: imageParameter(image.variant, image.arch) })),
]);

const poolSchema = z.strictObject({
  name,
  labels: z.array(label).min(1, "must list at least one label").max(99),
  instanceTypes: z
    .array(z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, "must be an EC2 instance type like m7i.large"))
    .min(1),
  market: z.enum(["on-demand", "spot", "spot-then-on-demand"]).default("on-demand"),
  image: imageSchema,
  launchTemplate: z.string().min(1).optional(),
  subnets: z
    .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id (subnet-…)"))
    .min(1, "must list at least one subnet"),
  securityGroups: z
    .array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, "must be a security group id (sg-…)"))
    .min(1, "must list at least one security group"),
  instanceProfile: z.string().min(1).optional(),
  publicIp: z.boolean().default(false),
  volume: z
    .strictObject({
      deviceName: z
        .string()
        .regex(/^\/dev\/[a-z0-9]+$/, "must be a device name like /dev/xvda")
        .default("/dev/xvda"),
      sizeGiB: z.number().int().min(8).max(16_384).default(30),
      type: z.enum(["gp3", "gp2", "io1", "io2"]).default("gp3"),
      iops: z.number().int().positive().optional(),
      throughput: z.number().int().positive().optional(),
      kmsKeyId: z.string().min(1).optional(),
    })
    .default({ deviceName: "/dev/xvda", sizeGiB: 30, type: "gp3" }),
  maxRunners: z.number().int().min(1).max(10_000),
  /** Instances launched for one job at most (default MAYFLY_MAX_LAUNCHES_PER_JOB, 3). */
  maxLaunchesPerJob: z.number().int().min(1).max(20).optional(),
  runnerGroup: z.string().min(1).default("Default"),
  timeouts: z
    .strictObject({
      boot: durationSeconds(30, 3600).default(300),
      idle: durationSeconds(30, 86_400).default(600),
      job: durationSeconds(60, 5 * 86_400).default(6 * 3600),
    })
    .default({ boot: 300, idle: 600, job: 6 * 3600 }),
  allow: allowSchema.optional(),
  warm: warmSchema.optional(),
  /** The spot circuit breaker (src/spot-schema.ts); spot markets only, defaults when absent. */
  spot: spotSchema.optional(),
  // The job's user cannot reach IMDS unless the pool says `allow` (docs/runner-image.md, "IMDS").
  jobImds: z.enum(["block", "allow"]).optional(),
});

const priceSchema = z.strictObject({
  onDemand: z.number().nonnegative(),
  spot: z.number().nonnegative().optional(),
});

/** USD per GiB-month; EBS storage costs cents, so a larger figure is a typo (or per-TiB). */
const gibMonth = z.number().nonnegative().max(10, "is USD per GiB-month (gp3 is about 0.08 in us-east-1)");

/**
 * EBS storage prices by volume type, USD per GiB-month: what a stopped warm instance bills
 * (docs/warm-capacity.md). The default is gp3 in us-east-1 (https://aws.amazon.com/ebs/pricing/); a type
 * left out is priced at the gp3 rate (a lower bound for gp2, io1 and io2).
 */
const volumePricesSchema = z
  .strictObject({
    gp3: gibMonth.default(0.08),
    gp2: gibMonth.optional(),
    io1: gibMonth.optional(),
    io2: gibMonth.optional(),
  })
  .default({ gp3: 0.08 });

export const poolFileSchema = z
  .strictObject({
    version: z.literal(1),
    pools: z.array(poolSchema).min(1, "must define at least one pool"),
    prices: z.record(z.string(), priceSchema).default({}),
    volumePrices: volumePricesSchema,
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.pools.forEach((pool, i) => {
      const first = seen.get(pool.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["pools", i, "name"],
          message: `duplicates the name of pool #${first + 1}`,
          params: { first },
        });
      }
      seen.set(pool.name, i);
      if (pool.spot && pool.market === "on-demand") {
        ctx.addIssue({
          code: "custom",
          path: ["pools", i, "spot"],
          message:
            "is set on an on-demand pool: the spot breaker applies only to market spot or spot-then-on-demand",
        });
      }
      const hotLevels = pool.warm ? [pool.warm.hot, ...pool.warm.schedules.map((s) => s.hot)] : [];
      hotLevels.forEach((hot, level) => {
        if (hot <= pool.maxRunners) return;
        ctx.addIssue({
          code: "custom",
          path: ["pools", i, "warm", ...(level === 0 ? ["hot"] : ["schedules", level - 1, "hot"])],
          message: `${hot} hot runners is more than the pool's maxRunners (${pool.maxRunners})`,
        });
      });
    });
  });

export type PoolFile = z.infer<typeof poolFileSchema>;
export type Pool = PoolFile["pools"][number];
export type PoolAllow = NonNullable<Pool["allow"]>;
export type PriceTable = PoolFile["prices"];
export type VolumePrices = PoolFile["volumePrices"];

/** Pool settings that are allowed but weaken a default; logged as warnings at startup. */
export function poolWarnings(pools: readonly Pool[]): string[] {
  return pools
    .filter((pool) => pool.jobImds === "allow")
    .map((pool) => `pool ${pool.name}: jobImds: allow lets its jobs read IMDS (instance role, identity)`);
}

export function parsePoolFile(text: string, source: string): { file?: PoolFile; problems: ConfigProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return {
          key: source,
          problem: `is not valid YAML at line ${line}, column ${col} (${e.message.split("\n")[0]})`,
          fix: "fix the YAML syntax at the line named",
        };
      }),
    };
  }
  let input: unknown;
  try {
    // Aliases are resolved here: an undefined one, or too many (the yaml library's guard against an
    // alias bomb), throws.
    input = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return {
      problems: [
        {
          key: source,
          problem: `cannot be read (${(error as Error).message.split("\n")[0]})`,
          fix: "define every *alias with an &anchor before it, and avoid nested aliases",
        },
      ],
    };
  }
  const result = poolFileSchema.safeParse(input);
  if (result.success) return { file: result.data, problems: [] };
  return { problems: poolFileProblems(result.error.issues, input, source, poolFileSchema, KNOWN_KEYS) };
}

/** Every key the pool file knows, for "did you mean" on an unknown one. */
const KNOWN_KEYS = [
  ...Object.keys(poolSchema.shape),
  ...Object.keys(allowSchema.shape),
  ...["version", "pools", "prices", "ssmParameter", "boot", "idle", "job", "onDemand", "spot"],
  ...["deviceName", "sizeGiB", "type", "iops", "throughput", "kmsKeyId", "owners", "variant", "arch"],
  ...["hot", "stopped", "schedules", "days", "from", "to", "timeZone", "maxAge"],
  ...["breaker", "interruptions", "within", "openFor"],
  ...["volumePrices", "gp3", "gp2", "io1", "io2"],
];
