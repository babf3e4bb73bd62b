import { z } from "zod";
import { isTimeZone, WEEKDAYS, type Weekday } from "./domain/warm-schedule.js";
import { durationSeconds } from "./duration.js";

/**
 * The pool file's `warm` key (issue 13): how many hot runners and stopped instances a pool keeps, and
 * schedules that change both. Types match `WarmConfig` in src/domain/warm-schedule.ts.
 */

const count = z.number().int().min(0).max(1_000);
const clock = z
  .string()
  .regex(
    /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/,
    'must be a time of day "HH:MM" (24-hour, "24:00" for midnight)',
  );

/** `[mon, tue]`, or a range as one string: `mon-fri`, `sat-sun`; `every-day` for all seven. */
const days = z.union([z.array(z.string()), z.string()]).transform((value, ctx): Weekday[] => {
  const text = Array.isArray(value) ? value.map((d) => d.trim().toLowerCase()) : [value.trim().toLowerCase()];
  const out: Weekday[] = [];
  for (const item of text) {
    if (item === "every-day") out.push(...WEEKDAYS);
    else if (/^[a-z]{3}-[a-z]{3}$/.test(item)) {
      const [from, to] = item.split("-") as [Weekday, Weekday];
      const a = WEEKDAYS.indexOf(from);
      const b = WEEKDAYS.indexOf(to);
      if (a < 0 || b < 0) return bad(ctx, item);
      for (let i = a; ; i = (i + 1) % 7) {
        out.push(WEEKDAYS[i] as Weekday);
        if (i === b) break;
      }
    } else if ((WEEKDAYS as readonly string[]).includes(item)) out.push(item as Weekday);
    else return bad(ctx, item);
  }
  if (out.length === 0) return bad(ctx, "(none)");
  return [...new Set(out)];
});

function bad(ctx: z.RefinementCtx, item: string): never {
  ctx.addIssue({
    code: "custom",
    message: `"${item}" is not a day: use mon…sun, a range like mon-fri, or every-day`,
  });
  return z.NEVER as never;
}

const timeZone = z.string().default("UTC").refine(isTimeZone, {
  message: "is not a time zone this runtime knows: use an IANA name like Europe/Paris",
});

const scheduleSchema = z.strictObject({
  days,
  from: clock,
  to: clock,
  timeZone,
  hot: count.default(0),
  stopped: count.default(0),
});

export const warmSchema = z.strictObject({
  hot: count.default(0),
  stopped: count.default(0),
  schedules: z.array(scheduleSchema).max(20).default([]),
  /** Hot and stopped instances older than this are replaced (images and patches do not go stale). */
  maxAge: durationSeconds(600, 30 * 86_400).default(86_400),
});

export type WarmSettings = z.infer<typeof warmSchema>;

/** The domain's shape: seconds named as such. */
export function warmConfigOf(settings: WarmSettings) {
  return {
    hot: settings.hot,
    stopped: settings.stopped,
    schedules: settings.schedules,
    maxAgeSeconds: settings.maxAge,
  };
}
