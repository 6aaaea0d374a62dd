/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { type Html, Message, Page } from "./layout.tsx";

/**
 * The login page: one password field for an admin token (no session yet, so no navigation).
 *
 * @example
 * ```ts
 * c.html(loginPage(c.get("base"), "That token is not a configured admin token."), 401);
 * ```
 */
export function loginPage(base: string, error?: string): Html {
  return (
    <Page title="Log in" view={{ base }}>
      {error && <Message kind="error" text={error} />}
      <form method="post" action={`${base}/console/login`}>
        <label>
          Admin token
          <br />
          <input type="password" name="token" required autocomplete="current-password" />
        </label>{" "}
        <button type="submit">Log in</button>
      </form>
    </Page>
  );
}
