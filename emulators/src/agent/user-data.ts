/**
 * Reads runner user-data as the image's bootstrap script does (`KEY='value'` lines, never sourced): the
 * simulated agent stands where infra/runner/bootstrap.sh runs, so it parses the wire format itself.
 */
export function parseUserData(text: string): Partial<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^(MAYFLY_[A-Z_]+)='([^']*)'$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) out[match[1]] = match[2];
  }
  return out;
}
