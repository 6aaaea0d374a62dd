import { defineConfig } from "vitest/config";

// Each file runs its own daemons, private PostgreSQL clusters and Redis servers; the files run in
// parallel (vitest's default pool), and every wait is on an event with a deadline.
export default defineConfig({
  test: {
    globalSetup: ["@groundcrew/testing/global-setup"],
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
