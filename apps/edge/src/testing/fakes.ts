// In-memory stand-ins for the portable smoke test only (routes that need no service). Route
// tests with real Postgres/Redis use src/wiring.ts instead.
import { manualClock } from "@groundcrew/core";
import { type EdgeDeps, type HealthDocument, silentLogger } from "../deps.ts";

/**
 * A health service that answers `doc` for both full and ready checks.
 *
 * @example
 * ```ts
 * createApp(fakeDeps({ health: fixedHealth({ status: "fail" }) }));
 * ```
 */
export function fixedHealth(doc: HealthDocument = { status: "pass" }): EdgeDeps["health"] {
  return { full: async () => doc, ready: async () => doc };
}

/**
 * Deps with no services: health answers `pass`, one admin token (`alice`), nothing else.
 *
 * @example
 * ```ts
 * const app = createApp(fakeDeps());
 * ```
 */
export function fakeDeps(overrides: Partial<EdgeDeps> = {}): EdgeDeps {
  return {
    health: fixedHealth(),
    adminTokens: new Map([["alice-token-0123456789", "alice"]]),
    sessionSecret: "test-session-secret-0123456789abcdef",
    clock: manualClock(),
    logger: silentLogger,
    ...overrides,
  };
}
