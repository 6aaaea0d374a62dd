// The memory backend's Lua against real Redis: the same scripts through the official client on
// both fronts must give the client the same values and the same errors.
import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { type Outcome, useParity } from "./contract/parity.ts";

const pair = useParity();

/** Runs the script by EVAL on both backends, expects equal outcomes, returns Redis's. */
async function evalBoth(
  script: string,
  keys: string[] = [],
  args: unknown[] = [],
): Promise<Outcome> {
  const { memory, redis } = await pair().both((client) => client.eval(script, keys, args));
  expect(memory).toEqual(redis);
  return redis;
}

const value = (v: unknown): Outcome => ({ value: v });
/** The client's error for a Redis error reply matching `pattern` (anchored after its prefix). */
const errorMatching = (pattern: RegExp) => ({
  error: expect.stringMatching(new RegExp(`^Command failed: ${pattern.source.replace(/^\^/, "")}`)),
});

describe("Lua results reach the client as Redis sends them", () => {
  test.each([
    ["return 42", 42],
    ["return 3.99", 3],
    ["return -3.99", -3],
    ["return 10 / 2", 5],
    ["return 'text'", "text"],
    ["return '42'", "42"],
    ["return true", 1],
    ["return false", null],
    ["return nil", null],
    ["return", null],
    ["return {}", []],
    ["return {1, 'a', {2.5, {'x', true}}, 'b'}", [1, "a", [2, ["x", 1]], "b"]],
    ["return {1, nil, 3}", [1]],
    ["return {1, false, 3}", [1, null, 3]],
    ["return {ok = 'fine'}", "fine"],
    ["return redis.status_reply('PONG')", "PONG"],
    ["return {double = 3.5}", "3.5"],
    ["return {x = 1, y = 2}", []],
    ["return tostring(10 / 2) .. ' ' .. tostring(2 ^ 40) .. ' ' .. 2.5 * 2", "5 1099511627776 5"],
  ])("%s", async (script, expected) => {
    expect(await evalBoth(script)).toEqual(value(expected));
  });

  test.each([
    ["return {err = 'XX boom'}", /^XX boom/],
    ["return {err = 'boom'}", /^boom/],
    ["return redis.error_reply('boom')", /^ERR boom/],
    ["return redis.error_reply('LOCKLOST lease expired')", /^LOCKLOST lease expired/],
    ["error('boom')", /^ERR user_script:1: boom script: [0-9a-f]{40}, on @user_script:1\./],
    [
      "local x = 1\nerror({err = 'XX raised'})",
      /^XX raised script: [0-9a-f]{40}, on @user_script:2\./,
    ],
  ])("%s → error", async (script, pattern) => {
    expect(await evalBoth(script)).toEqual(errorMatching(pattern));
  });

  test("a compile error names the script's line", async () => {
    const { memory, redis } = await pair().both((client) => client.eval("return (", [], []));
    const compileError = /^ERR Error compiling script \(new function\): user_script:1: /;
    expect(memory).toEqual(errorMatching(compileError));
    expect(redis).toEqual(errorMatching(compileError));
  });
});

describe("KEYS and ARGV", () => {
  test("are strings whatever the client sent, and need tonumber for arithmetic", async () => {
    const { key } = pair();
    const script = `return {type(KEYS[1]), KEYS[1], #KEYS, #ARGV, type(ARGV[1]), ARGV[1], ARGV[2],
      ARGV[3], tonumber(ARGV[1]) * 2, ARGV[1] + 1, ARGV[1] .. ARGV[2], tostring(tonumber(ARGV[2]) * 2)}`;
    expect(await evalBoth(script, [key("k")], [21, 2.5, ""])).toEqual(
      value(["string", key("k"), 1, 3, "string", "21", "2.5", "", 42, 22, "212.5", "5"]),
    );
  });

  test("comparing a number with ARGV fails without tonumber", async () => {
    expect(await evalBoth("return {ARGV[1] == 5, tonumber(ARGV[1]) == 5}", [], [5])).toEqual(
      value([null, 1]),
    );
  });
});

describe("redis.call arguments and replies", () => {
  test("Lua numbers reach commands as Redis's strings", async () => {
    const { key } = pair();
    const script = `
      redis.call('set', KEYS[1], 10 / 2)
      redis.call('hset', KEYS[2], 'int', 7, 'float', 3.5, 'big', 2 ^ 40, 'neg', -12)
      local v = redis.call('hmget', KEYS[2], 'int', 'float', 'big', 'neg')
      return {redis.call('get', KEYS[1]), v[1], v[2], v[3], v[4], v[1] == ARGV[1]}`;
    expect(await evalBoth(script, [key("n1"), key("h1")], ["7"])).toEqual(
      value(["5", "7", "3.5", "1099511627776", "-12", 1]),
    );
  });

  test("fractional, huge and infinite numbers are formatted as Redis does (%.17g)", async () => {
    const { key } = pair();
    // No -0.0 or 1/0 literals: Lua 5.1 (Redis) merges the constant -0.0 with a later 0.
    const numbers =
      "0.1, 1/3, 123456.789, 1e-5, 1e21, 2^53 + 1, -tonumber('0.0'), math.huge, -math.huge";
    const script = `local n = {${numbers}}
      for i = 1, #n do redis.call('rpush', KEYS[1], n[i]) end
      return redis.call('lrange', KEYS[1], 0, -1)`;
    expect(await evalBoth(script, [key("f1")])).toEqual(
      value([
        "0.10000000000000001",
        "0.33333333333333331",
        "123456.789",
        "1.0000000000000001e-05",
        "1e+21",
        "9007199254740992",
        "-0",
        "inf",
        "-inf",
      ]),
    );
  });

  test("an INCR result stored with HSET compares equal to the same ARGV", async () => {
    const { key } = pair();
    const script = `local n = redis.call('INCR', KEYS[1])
      redis.call('HSET', KEYS[2], 'fence', n)
      return {n, type(n), tostring(n), redis.call('HGET', KEYS[2], 'fence') == ARGV[1]}`;
    expect(await evalBoth(script, [key("ctr"), key("h2")], ["1"])).toEqual(
      value([1, "number", "1", 1]),
    );
  });

  test("integer → number, bulk → string, nil → false, array → table", async () => {
    const { key } = pair();
    const script = `
      redis.call('set', KEYS[1], '5')
      redis.call('rpush', KEYS[2], 'a', '', 'c')
      local bulk = redis.call('get', KEYS[1])
      local missing = redis.call('get', KEYS[3])
      local list = redis.call('lrange', KEYS[2], 0, -1)
      local fields = redis.call('hmget', KEYS[3], 'a')
      local count = redis.call('llen', KEYS[2])
      return {type(bulk), bulk, type(missing), tostring(missing), type(list), #list, list[2],
        type(fields[1]), tostring(fields[1]), type(count), count + 1}`;
    expect(await evalBoth(script, [key("s3"), key("l3"), key("none3")])).toEqual(
      value(["string", "5", "boolean", "false", "table", 3, "", "boolean", "false", "number", 4]),
    );
  });

  test("status replies are {ok=…} tables", async () => {
    const { key } = pair();
    const script = `local r = redis.call('set', KEYS[1], 'OK')
      local t = redis.call('type', KEYS[1])
      return {type(r), r.ok, type(t), t.ok, redis.call('get', KEYS[1]), r == 'OK'}`;
    expect(await evalBoth(script, [key("st4")])).toEqual(
      value(["table", "OK", "table", "string", "OK", null]),
    );
  });

  test("redis.pcall returns {err=…}; redis.call raises it with the script's line", async () => {
    const { key } = pair();
    const setup = "redis.call('hset', KEYS[1], 'a', '1') ";
    const caught = `${setup}local r = redis.pcall('incr', KEYS[1]) return {type(r), r.err}`;
    expect(await evalBoth(caught, [key("h5")])).toEqual(
      value(["table", "WRONGTYPE Operation against a key holding the wrong kind of value"]),
    );
    // Redis's pcall hands the error over as its text, not the table.
    const viaPcall = `${setup}local ok, e = pcall(redis.call, 'incr', KEYS[1]) return {tostring(ok), type(e), e}`;
    expect(await evalBoth(viaPcall, [key("h5")])).toEqual(
      value([
        "false",
        "string",
        "WRONGTYPE Operation against a key holding the wrong kind of value",
      ]),
    );
    expect(await evalBoth(`${setup}\nreturn redis.call('incr', KEYS[1])`, [key("h5")])).toEqual(
      errorMatching(/^WRONGTYPE Operation .* script: [0-9a-f]{40}, on @user_script:2\./),
    );
  });

  test.each([
    ["return redis.call('set', KEYS[1], true)", /^ERR Lua redis lib command arguments must be/],
    ["return redis.call('set', KEYS[1], {})", /^ERR Lua redis lib command arguments must be/],
    ["return redis.call()", /^ERR Please specify at least one argument for this redis lib call/],
    ["return redis.call('nope', KEYS[1])", /^ERR Unknown Redis command called from script/],
    ["return redis.call('get')", /^ERR Wrong number of args calling Redis command from script/],
    ["return redis.call('eval', 'return 1', 0)", /^ERR This Redis command is not allowed/],
    ["return redis.call('blpop', KEYS[1], 0)", /^ERR This Redis command is not allowed/],
  ])("%s → error", async (script, pattern) => {
    const { key } = pair();
    expect(await evalBoth(script, [key("bad6")])).toEqual(errorMatching(pattern));
  });
});

describe("EVALSHA and createScript", () => {
  const script = `local n = redis.call('incrby', KEYS[1], ARGV[1])
    return {n, tostring(n), 7.9, ARGV[1], redis.call('get', KEYS[1]), false, 'last'}`;

  test("EVALSHA converts like EVAL", async () => {
    const { key, both } = pair();
    const sha = createHash("sha1").update(script).digest("hex");
    // LOAD and EVALSHA in one transaction, so no SCRIPT FLUSH elsewhere can come in between.
    const { memory, redis } = await both((client) =>
      client
        .multi()
        .scriptLoad(script)
        .evalsha(sha, [key("sha7")], [5])
        .exec(),
    );
    expect(memory).toEqual(redis);
    expect(redis).toEqual(value([sha, [5, "5", 7, "5", "5", null, "last"]]));
  });

  test("createScript converts like EVAL", async () => {
    const { key, both } = pair();
    const { memory, redis } = await both((client) =>
      client.createScript(script).exec([key("cs8")], ["2"]),
    );
    expect(memory).toEqual(redis);
    expect(redis).toEqual(value([2, "2", 7, "2", "2", null, "last"]));
  });
});
