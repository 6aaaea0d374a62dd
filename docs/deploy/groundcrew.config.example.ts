// An example groundcrew.config.ts for a VM deploy: one job and the QStash schedule that triggers
// it. QStash POSTs to `${GROUNDCREW_PUBLIC_URL}/qstash/nightly-digest` on the cron; the daemon
// verifies the signature, enqueues the job and a worker (on any daemon) runs it.
import { defineConfig } from "@groundcrew/daemon";

export default defineConfig({
  jobs: {
    "nightly-digest": {
      class: "low",
      lock: "nightly-digest", // one run at a time across every daemon
      async run({ payload, logger }) {
        logger.info({ payload }, "digest sent");
        return { sent: true };
      },
    },
  },
  schedules: {
    // Stable id → created on first sync, updated when cron/payload change, removed when deleted.
    "nightly-digest": { cron: "0 3 * * *", job: "nightly-digest", payload: { list: "all" } },
  },
  worker: { concurrency: 8, leaseMs: 30_000, shutdownTimeoutMs: 30_000 },
});
