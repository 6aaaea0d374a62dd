const FUNCTIONS: Record<string, (...args: number[]) => number> = {
  pow: Math.pow,
  sqrt: Math.sqrt,
  abs: Math.abs,
  exp: Math.exp,
  floor: Math.floor,
  ceil: Math.ceil,
  round: Math.round,
  min: Math.min,
  max: Math.max,
};

/**
 * Evaluates an `Upstash-Retry-Delay` expression (e.g. `pow(2, retried) * 1000`) to
 * milliseconds. Supports numbers, `retried`, `+ - * /`, parentheses and QStash's functions;
 * `undefined` when the expression is not valid.
 *
 * @example
 * ```ts
 * evaluateRetryDelay("pow(2, retried) * 1000", 3); // 8000
 * ```
 */
export function evaluateRetryDelay(expression: string, retried: number): number | undefined {
  const tokens = expression.match(/\d+(\.\d+)?|[A-Za-z_]+|[-+*/(),]/g) ?? [];
  if (tokens.join("") !== expression.replace(/\s+/g, "")) return undefined;
  let index = 0;
  const peek = () => tokens[index];
  const take = () => tokens[index++];
  const primary = (): number => {
    const token = take();
    if (token === undefined) throw new Error("unexpected end");
    if (token === "(") return closeWith(expr());
    if (token === "-") return -primary();
    if (/^\d/.test(token)) return Number(token);
    if (token === "retried") return retried;
    const fn = FUNCTIONS[token];
    if (!fn || take() !== "(") throw new Error(`unknown ${token}`);
    const args = [expr()];
    while (peek() === ",") {
      take();
      args.push(expr());
    }
    return fn(...closeWith(args));
  };
  const closeWith = <T>(value: T): T => {
    if (take() !== ")") throw new Error("expected )");
    return value;
  };
  const term = (): number => {
    let value = primary();
    while (peek() === "*" || peek() === "/")
      value = take() === "*" ? value * primary() : value / primary();
    return value;
  };
  const expr = (): number => {
    let value = term();
    while (peek() === "+" || peek() === "-")
      value = take() === "+" ? value + term() : value - term();
    return value;
  };
  try {
    const value = expr();
    return index === tokens.length && Number.isFinite(value) ? Math.max(0, value) : undefined;
  } catch {
    return undefined;
  }
}
