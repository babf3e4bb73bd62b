import { z } from "zod";

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/**
 * Parses `90`, `90s`, `5m`, `1h30m` or `2d` into whole seconds. Returns undefined when the text is not
 * a duration, so schemas can say what is wrong.
 */
export function parseDurationSeconds(input: string | number): number | undefined {
  if (typeof input === "number") return Number.isFinite(input) && input >= 0 ? Math.floor(input) : undefined;
  const text = input.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const parts = [...text.matchAll(/(\d+)([smhd])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) return undefined;
  return parts.reduce(
    (sum, [, n, unit]) => sum + Number(n) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS],
    0,
  );
}

/** A zod schema for a duration, in seconds, within [min, max]. */
export function durationSeconds(min: number, max: number) {
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    const seconds = parseDurationSeconds(value);
    if (seconds === undefined) {
      ctx.addIssue({ code: "custom", message: `"${value}" is not a duration (use e.g. 90s, 5m, 6h)` });
      return z.NEVER;
    }
    if (seconds < min || seconds > max) {
      ctx.addIssue({
        code: "custom",
        message: `${value} is outside ${formatSeconds(min)}–${formatSeconds(max)}`,
      });
      return z.NEVER;
    }
    return seconds;
  });
}

export function formatSeconds(seconds: number): string {
  if (seconds % 86_400 === 0 && seconds > 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0 && seconds > 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0 && seconds > 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
