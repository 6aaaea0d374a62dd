import { defineConfig } from "vitest/config";

// `npm test` runs two projects: "node" (portable smoke tests, route tests against real services,
// the runtime entries as processes) and "browser" (the console in headless Debian chromium).
export default defineConfig({
  test: {
    globalSetup: ["@groundcrew/testing/global-setup"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: "node", include: ["src/**/*.test.ts", "test/**/*.test.ts"] },
      },
      {
        extends: true,
        test: { name: "browser", include: ["test/browser/**/*.e2e.ts"], testTimeout: 60_000 },
      },
    ],
  },
});
