import type { Scenario } from "../harness/scenario.js";
import { burst } from "./burst.js";
import { drift } from "./drift.js";
import { flood } from "./flood.js";
import { intake } from "./intake.js";
import { memory } from "./memory.js";
import { spotLaunch } from "./spot-launch.js";
import { steady } from "./steady.js";
import { warm } from "./warm.js";

/** In run order: the cheap scenarios first, so a slow burst cannot cost their numbers. */
export const SCENARIOS: readonly Scenario[] = [intake, memory, drift, flood, steady, burst, warm, spotLaunch];
