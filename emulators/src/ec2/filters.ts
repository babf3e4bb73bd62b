import { Ec2ApiError } from "./api-error.js";
import type { Query } from "./query.js";

export interface Filter {
  name: string;
  values: string[];
}

/** What a filter name reads from a resource; `tag:<key>` is handled for every resource. */
export type FilterFields<T> = Record<string, (resource: T) => string | readonly string[] | undefined>;

/**
 * `Filter.N.Name` / `Filter.N.Value.M`: filters AND together, values OR, `*` and `?` are wildcards
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Using_Filtering.html). EC2 allows 200 values.
 */
export function parseFilters(q: Query, known: readonly string[]): Filter[] {
  const filters = q.list("Filter").map((f) => ({ name: f.required("Name"), values: f.strings("Value") }));
  let total = 0;
  for (const filter of filters) {
    if (!known.includes(filter.name) && !filter.name.startsWith("tag:")) {
      throw new Ec2ApiError("InvalidParameterValue", `The filter '${filter.name}' is invalid`);
    }
    if (filter.values.length === 0) {
      throw new Ec2ApiError(
        "InvalidParameterValue",
        `The filter '${filter.name}' must have at least one value`,
      );
    }
    total += filter.values.length;
  }
  if (total > 200) {
    throw new Ec2ApiError(
      "FilterLimitExceeded",
      "The maximum number of filter values specified on a single call is 200",
    );
  }
  return filters;
}

export function matchesFilters<T extends { tags: Record<string, string> }>(
  resource: T,
  filters: readonly Filter[],
  fields: FilterFields<T>,
): boolean {
  return filters.every((filter) => {
    const patterns = filter.values.map(globToRegExp);
    const actual = filter.name.startsWith("tag:")
      ? resource.tags[filter.name.slice(4)]
      : filter.name === "tag-key"
        ? Object.keys(resource.tags)
        : filter.name === "tag-value"
          ? Object.values(resource.tags)
          : fields[filter.name]?.(resource);
    const values = actual === undefined ? [] : typeof actual === "string" ? [actual] : actual;
    return values.some((v) => patterns.some((p) => p.test(v)));
  });
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}
