import { describe, expect, it } from "vitest";
import { isTimeZone, type WarmConfig, warmTarget } from "../../../src/domain/warm-schedule.js";

// 2026-12-01 is a Tuesday. Paris is UTC+1 in winter, UTC+2 in summer; New York UTC-5 in winter.
const utc = (month: number, day: number, hour: number, minute = 0, second = 0) =>
  Date.UTC(2026, month - 1, day, hour, minute, second);

const office: WarmConfig = {
  hot: 0,
  stopped: 1,
  maxAgeSeconds: 86_400,
  schedules: [
    {
      days: ["mon", "tue", "wed", "thu", "fri"],
      from: "08:00",
      to: "18:00",
      timeZone: "Europe/Paris",
      hot: 4,
      stopped: 2,
    },
  ],
};
const evening: WarmConfig = {
  hot: 0,
  stopped: 0,
  maxAgeSeconds: 86_400,
  schedules: [{ days: ["tue"], from: "20:00", to: "24:00", timeZone: "UTC", hot: 1, stopped: 0 }],
};
const overnight: WarmConfig = {
  hot: 0,
  stopped: 0,
  maxAgeSeconds: 86_400,
  schedules: [
    { days: ["fri"], from: "22:00", to: "06:00", timeZone: "America/New_York", hot: 2, stopped: 0 },
  ],
};

describe("warmTarget", () => {
  it.each([
    { name: "a minute before the window (07:59 Paris)", config: office, at: utc(12, 1, 6, 59), hot: 0 },
    { name: "at the window's start (08:00 Paris)", config: office, at: utc(12, 1, 7, 0), hot: 4 },
    { name: "inside the window", config: office, at: utc(12, 1, 12, 30), hot: 4 },
    { name: "a second before the end (17:59:59 Paris)", config: office, at: utc(12, 1, 16, 59, 59), hot: 4 },
    { name: "at the window's end (18:00 Paris, exclusive)", config: office, at: utc(12, 1, 17, 0), hot: 0 },
    { name: "on a day it does not list (Saturday)", config: office, at: utc(12, 5, 10, 0), hot: 0 },
    {
      name: "summer time moves the window (08:00 Paris = 06:00 UTC)",
      config: office,
      at: utc(7, 7, 6, 0),
      hot: 4,
    },
    { name: "summer, 07:00 UTC is 09:00 Paris", config: office, at: utc(7, 7, 5, 59), hot: 0 },
    { name: "a window ending at midnight, just before", config: evening, at: utc(12, 1, 23, 59, 59), hot: 1 },
    { name: "a window ending at midnight, at midnight", config: evening, at: utc(12, 2, 0, 0), hot: 0 },
    { name: "past midnight: Friday 23:00 New York", config: overnight, at: utc(12, 5, 4, 0), hot: 2 },
    { name: "past midnight: Saturday 05:59 New York", config: overnight, at: utc(12, 5, 10, 59), hot: 2 },
    {
      name: "past midnight: Saturday 06:00 New York, over",
      config: overnight,
      at: utc(12, 5, 11, 0),
      hot: 0,
    },
    {
      name: "past midnight: Thursday 23:00 New York, not listed",
      config: overnight,
      at: utc(12, 4, 4, 0),
      hot: 0,
    },
  ])("$name → hot $hot", ({ config, at, hot }) => {
    expect(warmTarget(at, config).hot).toBe(hot);
  });

  it("names the rule that set the target", () => {
    expect(warmTarget(utc(12, 1, 9, 0), office)).toEqual({
      hot: 4,
      stopped: 2,
      reason: "schedule mon,tue,wed,thu,fri 08:00-18:00 Europe/Paris",
    });
    expect(warmTarget(utc(12, 1, 20, 0), office)).toEqual({ hot: 0, stopped: 1, reason: "default" });
  });

  it("the first matching schedule wins", () => {
    const config: WarmConfig = {
      ...office,
      schedules: [
        { days: ["tue"], from: "00:00", to: "24:00", timeZone: "UTC", hot: 9, stopped: 0 },
        ...office.schedules,
      ],
    };
    expect(warmTarget(utc(12, 1, 9, 0), config).hot).toBe(9);
  });

  it.each([
    ["Europe/Paris", true],
    ["UTC", true],
    ["Mars/Olympus", false],
  ])("knows time zone %s: %s", (zone, known) => {
    expect(isTimeZone(zone)).toBe(known);
  });
});
