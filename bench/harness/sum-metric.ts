/**
 * The sum of a metric's samples over the label sets that carry every label in `where`, from Prometheus
 * text exposition (https://prometheus.io/docs/instrumenting/exposition_formats/): e.g. every
 * `mayfly_runners{…,state="idle"}` gauge. Undefined when no sample matches.
 */
export function sumMetric(
  text: string,
  name: string,
  where: Record<string, string> = {},
): number | undefined {
  let sum: number | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels = match[2] ?? "";
    if (!Object.entries(where).every(([key, value]) => labels.includes(`${key}=${JSON.stringify(value)}`)))
      continue;
    const value = Number(match[3]);
    if (Number.isFinite(value)) sum = (sum ?? 0) + value;
  }
  return sum;
}
