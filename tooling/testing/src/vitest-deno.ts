// `deno test` runs suites written against "vitest" (core's and edge's portable tests, edge's route
// tests): root deno.json maps "vitest" here. node:test supplies the runner, vitest supplies expect
// and vi. The wrappers accept vitest's call forms: a timeout as the last argument (number or
// `{ timeout }`), `test.each` / `describe.each`, a cleanup function returned by `beforeAll` /
// `beforeEach`, and `expect.poll`. Not available here: vi's fake timers and anything else that
// needs vitest's own runner state (inject a clock instead).
import * as nodeTest from "node:test";
import { expect } from "npm:vitest";
import { createPoll } from "./expect-poll.ts";

export { vi } from "npm:vitest";
export { expect };

type Body = () => unknown;
type Options = { timeout?: number };
type Timeout = number | Options;
type Args<T> = T extends readonly unknown[] ? T : [T];

/** vitest's `test` / `it`, on node:test. */
export interface TestFn {
  (name: string, fn?: Body, timeout?: Timeout): void;
  (name: string, options: Options, fn: Body): void;
  each<T>(
    rows: readonly T[],
  ): (name: string, fn: (...args: Args<T>) => unknown, timeout?: Timeout) => void;
  skip: TestFn;
  only: TestFn;
  todo(name: string): void;
}

/** vitest's `describe`, on node:test. */
export interface DescribeFn {
  (name: string, fn: () => void): void;
  each<T>(rows: readonly T[]): (name: string, fn: (...args: Args<T>) => void) => void;
  skip: DescribeFn;
  only: DescribeFn;
}

type NodeIt = (name: string, options: nodeTest.TestOptions, fn: () => Promise<void>) => unknown;
type NodeDescribe = (name: string, fn: () => void) => unknown;

const optionsOf = (t: Timeout | undefined): nodeTest.TestOptions =>
  typeof t === "number" ? { timeout: t } : t?.timeout === undefined ? {} : { timeout: t.timeout };

/** vitest's name formatting for `.each`: %s %d %i %f %j %o %O %# %% and `$key` of object rows. */
function title(template: string, row: unknown, index: number): string {
  const args: unknown[] = Array.isArray(row) ? [...row] : [row];
  let out = template.replace(/%[sdifjoO#%]/g, (spec) => {
    if (spec === "%%") return "%";
    if (spec === "%#") return String(index);
    const value = args.shift();
    if (spec === "%d" || spec === "%i")
      return String(spec === "%i" ? Math.trunc(Number(value)) : Number(value));
    if (spec === "%f") return String(Number(value));
    if (spec === "%s") return String(value);
    return JSON.stringify(value) ?? String(value);
  });
  if (row !== null && typeof row === "object" && !Array.isArray(row)) {
    const record = row as Record<string, unknown>;
    out = out.replace(/\$([A-Za-z_]\w*)/g, (whole, key: string) =>
      key in record ? String(record[key]) : whole,
    );
  }
  return out;
}

const settle = (fn: Body) => async (): Promise<void> => {
  await fn();
};

const spread = <T>(row: T): Args<T> => (Array.isArray(row) ? row : [row]) as Args<T>;

function makeTest(run: NodeIt): TestFn {
  const test = ((name: string, a?: Body | Options, b?: Body | Timeout) => {
    if (typeof a === "function" || a === undefined) {
      run(name, optionsOf(b as Timeout | undefined), settle((a as Body | undefined) ?? (() => {})));
    } else {
      run(name, optionsOf(a), settle(b as Body));
    }
  }) as TestFn;
  test.each =
    <T>(rows: readonly T[]) =>
    (name: string, fn: (...args: Args<T>) => unknown, timeout?: Timeout) => {
      rows.forEach((row, i) => {
        run(
          title(name, row, i),
          optionsOf(timeout),
          settle(() => fn(...spread(row))),
        );
      });
    };
  return test;
}

function makeDescribe(run: NodeDescribe): DescribeFn {
  const describe = ((name: string, fn: () => void) => {
    run(name, fn);
  }) as DescribeFn;
  describe.each =
    <T>(rows: readonly T[]) =>
    (name: string, fn: (...args: Args<T>) => void) => {
      rows.forEach((row, i) => {
        run(title(name, row, i), () => fn(...spread(row)));
      });
    };
  return describe;
}

export const test: TestFn = makeTest((name, options, fn) => nodeTest.it(name, options, fn));
test.skip = makeTest((name, options, fn) => nodeTest.it.skip(name, options, fn));
test.only = makeTest((name, options, fn) => nodeTest.it.only(name, options, fn));
test.todo = (name) => {
  nodeTest.it.todo(name);
};
export const it: TestFn = test;

export const describe: DescribeFn = makeDescribe((name, fn) => nodeTest.describe(name, fn));
describe.skip = makeDescribe((name, fn) => nodeTest.describe.skip(name, fn));
describe.only = makeDescribe((name, fn) => nodeTest.describe.only(name, fn));

type Hook = () => unknown;
type Register = (fn: () => Promise<void>, options?: nodeTest.HookOptions) => void;

/** Registers `setup`; a function it returns (vitest's cleanup form) runs in the paired hook. */
function withCleanup(register: Register, pair: Register, setup: Hook, timeout?: number): void {
  let cleanup: unknown;
  const options = timeout === undefined ? {} : { timeout };
  register(async () => {
    cleanup = await setup();
  }, options);
  pair(async () => {
    const run = cleanup;
    cleanup = undefined;
    if (typeof run === "function") await run();
  }, options);
}

export function beforeAll(fn: Hook, timeout?: number): void {
  withCleanup(nodeTest.before, nodeTest.after, fn, timeout);
}

export function beforeEach(fn: Hook, timeout?: number): void {
  withCleanup(nodeTest.beforeEach, nodeTest.afterEach, fn, timeout);
}

export function afterAll(fn: Hook, timeout?: number): void {
  nodeTest.after(async () => void (await fn()), timeout === undefined ? {} : { timeout });
}

export function afterEach(fn: Hook, timeout?: number): void {
  nodeTest.afterEach(async () => void (await fn()), timeout === undefined ? {} : { timeout });
}

(expect as unknown as { poll: unknown }).poll = createPoll(expect);
