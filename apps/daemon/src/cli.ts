// Entry of the `groundcrew` bin (run through tsx by bin/groundcrew.js).
import { main } from "./cli/main.ts";
import { survivePostgresTypeFetchRejections } from "./observability/unhandled-rejections.ts";

survivePostgresTypeFetchRejections();
const controller = new AbortController();
const interrupt = () => controller.abort(new Error("interrupted"));
const argv = process.argv.slice(2);
// The daemon command installs its own two-stage signal handling.
if (argv[0] !== "daemon") {
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);
}
process.exitCode = await main(argv, { signal: controller.signal });
