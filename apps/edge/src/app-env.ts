/** Hono environment of the edge app: what middleware puts on the context. */
export interface AppEnv {
  Variables: {
    /** From a valid `X-Request-Id` header, or generated; echoed on the response. */
    requestId: string;
    /** The authenticated admin (admin and dead-letter routes only). */
    actor: string;
    /** The console session's CSRF token (console routes only). */
    csrf: string;
  };
}
