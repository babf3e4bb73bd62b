import { Ec2ApiError, invalidValue } from "./api-error.js";
import type { Query } from "./query.js";

/**
 * MaxResults / NextToken. The token names the last item served and the query it belongs to, so a page
 * stays correct when resources come and go between calls.
 */
export function paginate<T>(
  q: Query,
  items: readonly T[],
  key: (item: T) => number,
  limits: { min: number; max: number },
): { page: T[]; nextToken?: string } {
  const maxResults = q.int("MaxResults");
  if (maxResults !== undefined && (maxResults < limits.min || maxResults > limits.max)) {
    throw invalidValue(
      "MaxResults",
      String(maxResults),
      `MaxResults must be between ${limits.min} and ${limits.max}.`,
    );
  }
  const scope = q.fingerprint(["Action", "Version", "NextToken", "MaxResults"]);
  const after = readToken(q.str("NextToken"), scope);
  const remaining = items.filter((item) => key(item) > after);
  if (maxResults === undefined || remaining.length <= maxResults) return { page: remaining };
  const page = remaining.slice(0, maxResults);
  const last = page[page.length - 1] as T;
  return { page, nextToken: Buffer.from(JSON.stringify({ after: key(last), scope })).toString("base64url") };
}

function readToken(token: string | undefined, scope: string): number {
  if (token === undefined || token === "") return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      after?: unknown;
      scope?: unknown;
    };
    if (typeof parsed.after === "number" && parsed.scope === scope) return parsed.after;
  } catch {
    // fall through to the error below
  }
  throw new Ec2ApiError(
    "InvalidPaginationToken",
    `The pagination token '${token}' is not valid or has expired.`,
  );
}
