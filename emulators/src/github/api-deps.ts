import type { Dispatcher } from "./dispatcher.js";
import type { RateLimiter } from "./rate-limiter.js";
import type { RunnerBroker } from "./runner-broker.js";
import type { Stats } from "./stats.js";
import type { WebhookSender } from "./webhook-sender.js";
import type { World } from "./world.js";

/** What the route modules need from the emulator. */
export interface ApiDeps {
  world: World;
  dispatcher: Dispatcher;
  broker: RunnerBroker;
  webhooks: WebhookSender;
  limiter: RateLimiter;
  stats: Stats;
  now: () => number;
}
