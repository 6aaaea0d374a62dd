import { defineConfig } from "vitest/config";

// Browser tests of the console (headless Debian chromium through playwright-core): `npm run test:browser`.
export default defineConfig({
  test: {
    include: ["test/browser/**/*.e2e.ts"],
    globalSetup: ["@groundcrew/testing/global-setup"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
