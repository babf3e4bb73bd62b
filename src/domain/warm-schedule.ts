/**
 * Warm capacity on a schedule (issue 13): a pool keeps `hot` enrolled idle runners and `stopped`
 * pre-booted instances, and schedules change both for some hours of some days, in a time zone
 * (terraform-aws-github-runner's idle config and ARC's minRunners are the same idea without zones).
 */
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WarmLevel {
  hot: number;
  stopped: number;
}

export interface WarmSchedule extends WarmLevel {
  /** Days the window starts on. A window that ends before it starts runs past midnight into the next day. */
  days: readonly Weekday[];
  /** "HH:MM", inclusive. */
  from: string;
  /** "HH:MM", exclusive; "24:00" (or "00:00") ends at midnight. */
  to: string;
  /** IANA zone, e.g. "Europe/Paris"; its daylight-saving rules apply. */
  timeZone: string;
}

export interface WarmConfig extends WarmLevel {
  schedules: readonly WarmSchedule[];
  /** A warm instance older than this is replaced, so images and patches do not go stale. */
  maxAgeSeconds: number;
}

export interface WarmTarget extends WarmLevel {
  /** Which rule set the target: the first schedule whose window holds now, else the pool's default. */
  reason: string;
}

/** The warm level in force at `now`: the first matching schedule, else the pool's default. */
export function warmTarget(now: number, warm: WarmConfig): WarmTarget {
  for (const schedule of warm.schedules) {
    if (inWindow(now, schedule)) {
      return {
        hot: schedule.hot,
        stopped: schedule.stopped,
        reason: `schedule ${schedule.days.join(",")} ${schedule.from}-${schedule.to} ${schedule.timeZone}`,
      };
    }
  }
  return { hot: warm.hot, stopped: warm.stopped, reason: "default" };
}

function inWindow(now: number, schedule: WarmSchedule): boolean {
  const { weekday, minute } = localTime(now, schedule.timeZone);
  const from = minutesOf(schedule.from);
  const to = minutesOf(schedule.to) || 24 * 60;
  const startsToday = schedule.days.includes(weekday);
  if (from < to) return startsToday && minute >= from && minute < to;
  // Past midnight: the part after `from` belongs to today's window, the part before `to` to yesterday's.
  const yesterday = WEEKDAYS[(WEEKDAYS.indexOf(weekday) + 6) % 7] as Weekday;
  return (startsToday && minute >= from) || (schedule.days.includes(yesterday) && minute < to);
}

/** "HH:MM" → minutes after midnight; the schema has checked the shape. */
export function minutesOf(hhmm: string): number {
  const [h = "0", m = "0"] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localTime(now: number, timeZone: string): { weekday: Weekday; minute: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(now).map((p) => [p.type, p.value]));
  const weekday = String(parts.weekday).toLowerCase().slice(0, 3) as Weekday;
  return { weekday, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** Whether `timeZone` is one this runtime knows (the pool-file schema refuses others by name). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}
