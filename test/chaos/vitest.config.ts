import { defineConfig } from "vitest/config";

/**
 * `npm run test:chaos`: the seeded chaos runs (*.chaos.ts), apart from `npm test` (regression tests for
 * what they found live with the other tests). Each run starts its own emulators and three app processes and
 * lasts one to two minutes, mostly waiting on the app's real-time timers (idle and boot timeouts,
 * redelivery and recheck intervals), so several run at once in one worker.
 */
export default defineConfig({
  test: {
    include: ["test/chaos/**/*.chaos.ts"],
    maxWorkers: 1,
    maxConcurrency: 8,
    testTimeout: 720_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
