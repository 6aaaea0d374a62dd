import {
  claimJobs,
  heartbeatJobs,
  type Job,
  reapExpiredLeases,
  releaseJob,
} from "@groundcrew/core/jobs";
import { type LinkedSignal, linkSignals } from "./link-signals.ts";
import { type HeldLease, type RunJobDeps, type RunJobOutcome, runJob } from "./run-job.ts";

/** After the shutdown timeout, how long cancelled jobs get to roll back and release. */
const HARD_STOP_GRACE_MS = 2_000;

/** Options of {@link createWorkerPool}. Durations in ms. */
export interface WorkerPoolOptions extends Omit<RunJobDeps, "shutdown"> {
  /** Jobs run at once. Default 4. */
  concurrency?: number;
  /** Idle wait between claims when the table had nothing due. Default 1 000. */
  pollMs?: number;
  /** The job-table lease; heartbeats renew it every third of it. Default 30 000. */
  leaseMs?: number;
  /** Called after each job run, e.g. by tests waiting for a job. */
  onJobDone?: (job: Job, outcome: RunJobOutcome) => void;
}

/** A running pool of claim loops. */
export interface WorkerPool {
  start(): void;
  /** Claims now instead of waiting for the next poll (ingress calls this after an enqueue). */
  wake(): void;
  /**
   * Stops claiming, aborts running jobs (batch jobs stop at their next checkpoint) and waits up
   * to `timeoutMs` for them to finish or release; resolves with how many were still running.
   */
  stop(timeoutMs: number): Promise<{ stillRunning: number }>;
  /** Ids of the jobs running now. */
  running(): number[];
}

/**
 * Creates the worker pool: one dispatcher that claims up to `concurrency` jobs with
 * `FOR UPDATE SKIP LOCKED`, a heartbeat timer renewing their leases (a job whose lease was lost
 * is aborted) and a reaper returning other workers' expired leases to pending.
 *
 * @example
 * ```ts
 * const pool = createWorkerPool({ db, registry, workerId, clock: systemClock, logger, metrics });
 * pool.start(); … await pool.stop(30_000);
 * ```
 */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const concurrency = options.concurrency ?? 4;
  const pollMs = options.pollMs ?? 1_000;
  const leaseMs = options.leaseMs ?? 30_000;
  const shutdown = new AbortController();
  const hardStop = new AbortController();
  const heldLeases = new Set<HeldLease>();
  const deps: RunJobDeps = { ...options, shutdown: shutdown.signal, heldLeases };
  const running = new Map<number, { job: Job; abort: LinkedSignal; done: Promise<void> }>();
  let wakeUp: (() => void) | undefined;
  // A wake() that arrives while a claim is in flight must not be lost.
  let wakeRequested = false;
  const wake = () => {
    wakeRequested = true;
    wakeUp?.();
  };
  let loop: Promise<void> | undefined;
  const timers: NodeJS.Timeout[] = [];
  const log = options.logger;

  const startJob = (job: Job) => {
    const abort = linkSignals([hardStop.signal]);
    const done = runJob(job, abort.signal, deps)
      .then((outcome) => options.onJobDone?.(job, outcome))
      .catch((err: Error) => log.error({ jobId: job.id, err: err.message }, "job run crashed"))
      .finally(() => {
        abort.dispose();
        running.delete(job.id);
        wake();
      });
    running.set(job.id, { job, abort, done });
  };

  const dispatch = async () => {
    while (!shutdown.signal.aborted) {
      wakeRequested = false;
      const free = concurrency - running.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const jobs = await claimJobs(options.db, {
            workerId: options.workerId,
            limit: free,
            leaseMs,
            clock: options.clock,
          });
          claimed = jobs.length;
          for (const job of jobs) startJob(job);
        } catch (err) {
          log.error({ err: (err as Error).message }, "claim failed");
        }
      }
      if ((claimed > 0 && claimed === free) || wakeRequested) continue;
      // One short-lived signal per idle wait, aborted by wake() or shutdown and then unlinked:
      // nothing stays registered on the long-lived shutdown signal once the wait is over.
      const idle = linkSignals([shutdown.signal]);
      wakeUp = () => idle.abort(new Error("woken"));
      await options.clock.sleep(pollMs, idle.signal).catch(() => {});
      idle.dispose();
      wakeUp = undefined;
    }
  };

  const heartbeat = async () => {
    const ids = [...running.keys()];
    if (ids.length === 0) return;
    try {
      const kept = new Set(
        await heartbeatJobs(options.db, {
          workerId: options.workerId,
          ids,
          leaseMs,
          clock: options.clock,
        }),
      );
      for (const id of ids) {
        if (!kept.has(id)) running.get(id)?.abort.abort(new Error("job lease lost"));
      }
    } catch (err) {
      log.warn({ err: (err as Error).message }, "heartbeat failed");
    }
  };

  const reap = async () => {
    try {
      const reaped = await reapExpiredLeases(options.db, { clock: options.clock });
      if (reaped > 0) log.info({ reaped }, "expired job leases reaped");
    } catch (err) {
      log.warn({ err: (err as Error).message }, "reaping failed");
    }
  };

  return {
    start() {
      loop = dispatch();
      timers.push(setInterval(heartbeat, Math.max(50, Math.floor(leaseMs / 3))));
      timers.push(setInterval(reap, leaseMs));
      for (const t of timers) t.unref();
      void reap();
    },
    wake,
    async stop(timeoutMs) {
      shutdown.abort(new Error("daemon shutting down"));
      wakeUp?.();
      await loop;
      // Heartbeats go on while running jobs finish their batch and checkpoint.
      if (!(await settledWithin(running, timeoutMs))) {
        hardStop.abort(new Error("shutdown timeout: cancelling the work in flight"));
        await settledWithin(running, HARD_STOP_GRACE_MS);
      }
      for (const t of timers) clearInterval(t);
      // Handlers that ignored every signal: free their locks now (their fences keep a late
      // write from landing) and hand their jobs back to pending without spending an attempt,
      // so the process can exit and another worker takes them over at once.
      await Promise.allSettled([...heldLeases].map((lease) => lease.release()));
      const stuck = [...running.values()];
      await Promise.allSettled(
        stuck.map(({ job }) =>
          releaseJob(options.db, {
            id: job.id,
            workerId: options.workerId,
            reason: "daemon shut down; the handler ignored the stop signal past the timeout",
            clock: options.clock,
          }),
        ),
      );
      if (stuck.length > 0) {
        log.warn({ jobIds: stuck.map((r) => r.job.id) }, "jobs abandoned at shutdown, released");
      }
      return { stillRunning: running.size };
    },
    running: () => [...running.keys()],
  };
}

async function settledWithin(
  running: Map<number, { done: Promise<void> }>,
  timeoutMs: number,
): Promise<boolean> {
  if (running.size === 0) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const all = Promise.all([...running.values()].map((r) => r.done)).then(() => true as const);
  const settled = await Promise.race([all, timeout]);
  clearTimeout(timer);
  return settled;
}
