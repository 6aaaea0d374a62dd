// `deno test` runs the portable suites (*.portable.test.ts) written against "vitest": root
// deno.json maps "vitest" here. node:test supplies the runner, vitest supplies expect and vi.
export {
  after as afterAll,
  afterEach,
  before as beforeAll,
  beforeEach,
  describe,
  it,
  it as test,
} from "node:test";
export { expect, vi } from "npm:vitest";
