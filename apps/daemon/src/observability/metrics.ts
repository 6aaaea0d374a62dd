import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** A row of the job table's state counts, as the `/metrics` scrape reads it. */
export interface JobStateCount {
  state: string;
  jobClass: string;
  count: number;
}

/** A row of open dead letters grouped by fingerprint. */
export interface DeadLetterCount {
  fingerprint: string;
  jobName: string;
  count: number;
}

/** Sources read at scrape time (each scrape runs one cheap grouped query per source). */
export interface MetricsSources {
  jobStates?: () => Promise<JobStateCount[]>;
  deadLetters?: () => Promise<DeadLetterCount[]>;
}

/** The daemon's Prometheus metrics; counters are incremented by the ingress and the workers. */
export interface DaemonMetrics {
  readonly registry: Registry;
  readonly jobDuration: Histogram<"job" | "class" | "outcome">;
  readonly jobsFinished: Counter<"job" | "class" | "outcome">;
  readonly lockWait: Histogram<"job" | "outcome">;
  readonly backpressureDecisions: Counter<"class" | "action">;
  readonly connectionRetries: Counter<"code">;
  readonly deliveries: Counter<"job" | "outcome">;
  /** The Prometheus text exposition. */
  render(): Promise<string>;
}

/**
 * Creates a private registry (never the global one, so two daemons in one test process do not
 * collide) with every metric the daemon exposes on `GET /metrics`.
 *
 * @example
 * ```ts
 * const metrics = createMetrics({ jobStates: () => countJobsByState(db) });
 * metrics.deliveries.inc({ job: "reindex", outcome: "enqueued" });
 * const text = await metrics.render();
 * ```
 */
export function createMetrics(sources: MetricsSources = {}): DaemonMetrics {
  const registry = new Registry();
  const registers = [registry];
  const jobs = new Gauge({
    name: "groundcrew_jobs",
    help: "Jobs in the job table by state and class.",
    labelNames: ["state", "class"] as const,
    registers,
    async collect() {
      if (!sources.jobStates) return;
      this.reset();
      for (const row of await sources.jobStates()) {
        this.set({ state: row.state, class: row.jobClass }, row.count);
      }
    },
  });
  const deadLetters = new Gauge({
    name: "groundcrew_dead_letters_open",
    help: "Open (unresolved) dead letters by error fingerprint.",
    labelNames: ["fingerprint", "job"] as const,
    registers,
    async collect() {
      if (!sources.deadLetters) return;
      this.reset();
      for (const row of await sources.deadLetters()) {
        this.set({ fingerprint: row.fingerprint, job: row.jobName }, row.count);
      }
    },
  });
  void jobs;
  void deadLetters;
  return {
    registry,
    jobDuration: new Histogram({
      name: "groundcrew_job_duration_seconds",
      help: "Wall time of job runs by job name, class and outcome.",
      labelNames: ["job", "class", "outcome"] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
      registers,
    }),
    jobsFinished: new Counter({
      name: "groundcrew_job_runs_total",
      help: "Job runs by job name, class and outcome (done, retry, dead, interrupted, deferred).",
      labelNames: ["job", "class", "outcome"] as const,
      registers,
    }),
    lockWait: new Histogram({
      name: "groundcrew_lock_wait_seconds",
      help: "Time spent acquiring a job's mutex, by job and outcome (acquired, busy).",
      labelNames: ["job", "outcome"] as const,
      buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    }),
    backpressureDecisions: new Counter({
      name: "groundcrew_backpressure_decisions_total",
      help: "Backpressure decisions at ingress by job class and action (run, defer, skip).",
      labelNames: ["class", "action"] as const,
      registers,
    }),
    connectionRetries: new Counter({
      name: "groundcrew_connection_retries_total",
      help: "Database operations retried after a transient error, by error code.",
      labelNames: ["code"] as const,
      registers,
    }),
    deliveries: new Counter({
      name: "groundcrew_qstash_deliveries_total",
      help: "QStash deliveries by job and outcome (enqueued, duplicate, deferred, skipped, rejected).",
      labelNames: ["job", "outcome"] as const,
      registers,
    }),
    render: () => registry.metrics(),
  };
}
