import type { Clock } from "@groundcrew/core/clock";
import type { Db } from "@groundcrew/core/db";
import type { Redis } from "@upstash/redis";
import { sql } from "drizzle-orm";
import type { GroundcrewConfig } from "../config/define-config.ts";
import type { HealthAnswer } from "../ingress/app.ts";

/** Builds the `/health` answers from the core probes (wired when they land). */
export function createHealth(deps: {
  db: Db;
  redis: Redis | undefined;
  config: GroundcrewConfig;
  clock: Clock;
}): (kind: "full" | "ready" | "live") => Promise<HealthAnswer> {
  return async (kind) => {
    if (kind === "live") return { status: 200, body: { status: "pass" } };
    try {
      await deps.db.execute(sql`select 1`);
      return { status: 200, body: { status: "pass" } };
    } catch {
      return { status: 503, body: { status: "fail" } };
    }
  };
}
