/** An error as stored: class name, message and stack, each bounded in length. */
export interface DescribedError {
  errorClass: string;
  message: string;
  stack: string | null;
}

const MAX_MESSAGE = 4_000;
const MAX_STACK = 16_000;

/**
 * Describes anything thrown: an `Error` by its `name` (or constructor name), message and stack;
 * anything else as class `"NonError"` with its string form.
 *
 * @example
 * ```ts
 * describeError(new TypeError("x")); // { errorClass: "TypeError", message: "x", stack: "TypeError: x\n…" }
 * ```
 */
export function describeError(error: unknown): DescribedError {
  if (error instanceof Error) {
    const ctorName = error.constructor?.name;
    const errorClass = error.name && error.name !== "Error" ? error.name : ctorName || "Error";
    return {
      errorClass,
      message: String(error.message).slice(0, MAX_MESSAGE),
      stack: typeof error.stack === "string" ? error.stack.slice(0, MAX_STACK) : null,
    };
  }
  let message: string;
  try {
    message = typeof error === "string" ? error : (JSON.stringify(error) ?? String(error));
  } catch {
    message = String(error);
  }
  return { errorClass: "NonError", message: message.slice(0, MAX_MESSAGE), stack: null };
}
