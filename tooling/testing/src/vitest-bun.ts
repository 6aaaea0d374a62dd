// Preloaded by `bun test --preload` where suites written against "vitest" run under Bun (which
// maps "vitest" imports to bun:test itself): adds what Bun's expect lacks. Bun does not run a
// function returned by beforeAll/beforeEach; use afterAll/afterEach in portable suites.
import { expect } from "vitest";
import { createPoll } from "./expect-poll.ts";

const target = expect as unknown as { poll?: unknown };
if (typeof target.poll !== "function") target.poll = createPoll(expect);
