export type { Clock } from "./clock.ts";
export { realClock } from "./clock.ts";
export { DEV_PORT, DEV_SIGNING_KEYS, DEV_TOKEN } from "./dev.ts";
export type { QStashEmulator, QStashOptions } from "./server.ts";
export { startQStash } from "./server.ts";
