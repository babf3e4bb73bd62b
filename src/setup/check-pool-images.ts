import { judgePoolImage } from "../domain/judge-pool-image.js";
import type { Pool } from "../pool-file.js";
import type { ChecklistItem } from "./checklist.js";

/** What the image check asks AWS; undefined means "does not exist" (src/aws/image-lookup.ts). */
export interface ImageLookup {
  parameter(name: string): Promise<string | undefined>;
  image(imageId: string): Promise<{ state: string; architecture: string } | undefined>;
}

/**
 * "Every pool's image found": for each pool, its SSM parameter (if it names one) and its AMI, each looked
 * up once however many pools share it. A lookup AWS refuses (no permission, throttled) is "unknown", with
 * AWS's answer, rather than a false "missing".
 */
export async function checkPoolImages(deps: {
  pools: readonly Pool[];
  lookup: ImageLookup;
  region: string;
}): Promise<ChecklistItem[]> {
  const once = <T>(cache: Map<string, Promise<T>>, key: string, get: (k: string) => Promise<T>) => {
    if (!cache.has(key)) cache.set(key, get(key));
    return cache.get(key)!;
  };
  const parameters = new Map<string, Promise<string | undefined>>();
  const images = new Map<string, Promise<{ state: string; architecture: string } | undefined>>();
  return Promise.all(
    deps.pools.map(async (pool): Promise<ChecklistItem> => {
      const label = `Image of pool ${pool.name}`;
      const parameter = typeof pool.image === "string" ? undefined : pool.image.ssmParameter;
      try {
        const parameterValue = parameter
          ? await once(parameters, parameter, (p) => deps.lookup.parameter(p))
          : undefined;
        const imageId = typeof pool.image === "string" ? pool.image : parameterValue;
        const image =
          imageId && /^ami-[0-9a-f]{8,17}$/.test(imageId)
            ? await once(images, imageId, (i) => deps.lookup.image(i))
            : undefined;
        const judged = judgePoolImage({
          pool: pool.name,
          instanceTypes: pool.instanceTypes,
          parameter,
          parameterValue,
          imageId,
          image,
          region: deps.region,
        });
        return { label, ...judged };
      } catch (error) {
        return {
          label,
          status: "unknown",
          detail: `AWS did not answer the image lookup (${(error as Error).name}: ${(error as Error).message})`,
          fix: "the app's role needs ec2:DescribeImages and ssm:GetParameters on the pool's parameter (the stack grants both)",
        };
      }
    }),
  );
}
