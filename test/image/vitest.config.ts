import { defineConfig } from "vitest/config";

/**
 * `npm run test:image`: builds Debian root filesystems with the image's real install.sh and harden.sh
 * (debootstrap, chroot), checks the result, and attacks the IMDS rule in a network namespace. Needs
 * root, debootstrap, unshare, nft and Debian's package mirror; takes minutes, so it stays out of
 * `npm test`. README.md, "Testing the runner image".
 */
export default defineConfig({
  test: {
    include: ["test/image/**/*.image.ts"],
    maxWorkers: 1,
    testTimeout: 300_000,
    hookTimeout: 1_800_000,
  },
});
