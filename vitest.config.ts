import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "emulators/test/**/*.test.ts"],
    setupFiles: ["test/helpers/fast-check-seed.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start HTTP emulators on ephemeral ports; two cores, so keep workers modest.
    maxWorkers: 2,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
