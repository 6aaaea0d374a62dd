#!/usr/bin/env node
// The `groundcrew` CLI: runs src/cli.ts through tsx (no build step inside the monorepo).
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
