// Daemon config of benchmark 8 (several daemons), loaded by every `groundcrew daemon` process the
// bench spawns. Both jobs do no work; their output names the process that ran them, so the bench
// can show how the jobs were shared out.
import { defineConfig } from "@groundcrew/daemon";

const worker = process.env.GROUNDCREW_WORKER_ID ?? String(process.pid);

/** How long a declared lock is held at most; a busy lock sends the job back for this long. */
export const LOCK_TTL_MS = 1_000;

export default defineConfig({
  jobs: {
    "bench.noop": {
      async run() {
        return { w: worker };
      },
    },
    "bench.locked": {
      lock: (payload: { key: string }) => `bench:${payload.key}`,
      lockTtlMs: LOCK_TTL_MS,
      async run() {
        return { w: worker };
      },
    },
  },
});
