import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["@groundcrew/testing/global-setup"],
    testTimeout: 360_000,
    hookTimeout: 120_000,
  },
});
