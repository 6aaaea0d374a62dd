// Interim: replaced by @groundcrew/core/health once it lands.
import type { Clock, Database } from "@groundcrew/core";
import type { HealthService } from "../deps.ts";

export function createEdgeHealth(_: {
  database: Pick<Database, "db" | "sql"> | undefined;
  redis: unknown;
  qstash: unknown;
  clock: Clock;
}): HealthService {
  return { full: async () => ({ status: "pass" }), ready: async () => ({ status: "pass" }) };
}
