/** Hono environment of the edge app: what middleware puts on the context. */
export interface AppEnv {
  Variables: {
    /** From a valid `X-Request-Id` header, or generated; echoed on the response. */
    requestId: string;
    /** The authenticated admin (admin and dead-letter routes only). */
    actor: string;
    /** The console session's CSRF token (console routes only). */
    csrf: string;
    /**
     * The path prefix the routes are served under, URL-encoded, without a trailing slash:
     * "" at the root, "/ops" after `app.route("/ops", groundcrewRoutes(deps))`. Links, the
     * console cookie's Path and the OpenAPI `servers` entry start with it.
     */
    base: string;
  };
}
