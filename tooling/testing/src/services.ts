// Where tests find the services. Only this file of the harness reads the environment.

/** The PostgreSQL server tests use: `DATABASE_URL`, default the local trust-auth server. */
export const databaseUrl: string =
  process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** The Redis server behind the Upstash REST front in tests: `REDIS_URL`, default local. */
export const redisUrl: string = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** How to start a local service that is not running, for error messages. */
export const startHints = {
  postgres:
    "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or set DATABASE_URL)",
  redis:
    'start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no (or set REDIS_URL)',
} as const;

/** `url` with its password hidden, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@]*@/, "//$1:***@");
}
