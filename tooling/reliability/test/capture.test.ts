// The shared capture's own checks (no services): it finds a secret as is, URL-encoded,
// JSON-escaped, split across two stream chunks, in a row; it names the secret and the place,
// never the value; it refuses a secret watched after texts were searched.
import { describe, expect, test } from "vitest";
import { createCapture } from "../src/capture.ts";

const SECRET = `tok-${crypto.randomUUID()}/+"x`;

describe("the secret-scan capture", () => {
  test("finds every form of a secret and reports its name and place, never its value", () => {
    const capture = createCapture("capture-self-test", { token: SECRET, short: "abc" });
    capture.add("clean", "nothing here abc");
    capture.add("plain", `a ${SECRET} b`);
    capture.add("encoded", `q=${encodeURIComponent(SECRET)}`);
    capture.add("json", JSON.stringify({ t: SECRET }));
    const sink = capture.stream("stdout");
    sink(`line 1 ${SECRET.slice(0, 10)}`);
    sink(Buffer.from(`${SECRET.slice(10)} line 2\n`));
    capture.addRows("audit", [
      { id: 1n, params: {} },
      { id: 2n, params: { t: SECRET } },
    ]);
    capture.add(`GET /x?token=${SECRET}`, SECRET);
    const leaks = capture.leaks();
    expect(leaks).toEqual([
      { secret: "token", where: "plain" },
      { secret: "token", where: "encoded" },
      { secret: "token", where: "json" },
      { secret: "token", where: "stdout" },
      { secret: "token", where: "audit row 1" },
    ]);
    expect(JSON.stringify(leaks)).not.toContain(SECRET.slice(0, 12));
    expect(capture.counts().texts).toBe(9);
    expect(() => capture.watch({ late: "late-secret-value" })).toThrow(/before the first text/);
  });

  test("a label that carries a secret is reported with the secret's name in its place", () => {
    const capture = createCapture("capture-self-test", { token: SECRET });
    capture.add(`GET /x?token=${encodeURIComponent(SECRET)}`, SECRET);
    expect(capture.leaks()).toEqual([{ secret: "token", where: "GET /x?token=<token>" }]);
  });
});
