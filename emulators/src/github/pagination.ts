/**
 * GitHub's page-number pagination: `per_page` (default 30, at most 100), `page` (from 1) and a `Link`
 * header with next/last/first/prev, which `octokit.paginate` follows.
 * https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api
 */
export function paginate<T>(
  items: readonly T[],
  query: URLSearchParams,
  selfUrl: string,
): { page: T[]; headers: Record<string, string> } {
  const perPage = clampInt(query.get("per_page"), 30, 1, 100);
  const page = clampInt(query.get("page"), 1, 1, Number.MAX_SAFE_INTEGER);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);

  const link = (p: number, rel: string) => {
    const params = new URLSearchParams(query);
    params.set("per_page", String(perPage));
    params.set("page", String(p));
    return `<${selfUrl}?${params.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(Math.min(page - 1, last), "prev"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  return { page: slice, headers: links.length ? { link: links.join(", ") } : {} };
}

/** Parses an integer query value; out-of-range values are clamped, junk falls back to the default. */
export function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
  if (raw === null || !/^\d+$/.test(raw)) return fallback;
  return Math.min(max, Math.max(min, Number(raw)));
}
