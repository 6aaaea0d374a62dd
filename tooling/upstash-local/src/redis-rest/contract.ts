// The contract suite every backend must pass, only through the official @upstash/redis client.
import { describeBatches } from "./contract/batches.ts";
import { useContractFront } from "./contract/harness.ts";
import { describeHashesAndScan } from "./contract/hashes.ts";
import { describeScripts } from "./contract/scripts.ts";
import { describeStrings } from "./contract/strings.ts";
import { describeValuesAndErrors } from "./contract/values.ts";

/**
 * Registers the whole contract suite against a front over `kind`.
 *
 * @example
 * ```ts
 * describeRedisRestContract("memory"); // in a *.test.ts file
 * ```
 */
export function describeRedisRestContract(kind: "redis" | "memory"): void {
  const ctx = useContractFront(kind);
  describeStrings(ctx);
  describeHashesAndScan(ctx);
  describeScripts(ctx);
  describeBatches(ctx);
  describeValuesAndErrors(ctx);
}
