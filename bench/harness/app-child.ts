import { pino } from "pino";
import { createSdkClients } from "../../src/aws/sdk-clients.js";
import { loadConfig } from "../../src/config.js";
import { createMayfly } from "../../src/mayfly.js";
import { tapHistogram } from "./tap-histogram.js";

/**
 * Entry of the bench's instrumented app process (started by app-process.ts): what src/main.ts does, plus
 * exact samples of the launch-latency and time-to-revoke histograms and event counts, sent to the parent
 * on request over IPC. As a process entry it reads the environment, like src/main.ts. Exits when the
 * parent goes away, so a crashed bench leaves nothing running.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel, base: { app: "mayfly" } });
  // The same AWS clients as src/main.ts (socket pool, EC2 attempts), so the bench measures production's.
  const mayfly = await createMayfly(config, { ...createSdkClients(config), log });
  const launch = tapHistogram(mayfly.metrics.launchLatency);
  const revoke = tapHistogram(mayfly.metrics.timeToRevoke);
  const events: Record<string, number> = {};
  mayfly.events.subscribe((event) => {
    const key = event.reason ? `${event.kind}:${event.reason}` : event.kind;
    events[key] = (events[key] ?? 0) + 1;
  });
  await mayfly.start();
  process.on("message", (message: { type?: string }) => {
    if (message.type !== "report") return;
    process.send?.({
      type: "report",
      launchLatencySeconds: launch.samples,
      revokeSeconds: revoke.samples,
      events,
    });
  });
  const stop = () => {
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    mayfly.stop().finally(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("disconnect", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench app failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
