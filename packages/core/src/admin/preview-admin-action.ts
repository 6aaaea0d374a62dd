import type { Db } from "../db/create-database.ts";
import type { AdminAction } from "./define-admin-action.ts";

/** What {@link previewAdminAction} returns. */
export type AdminPreviewResult<Params = unknown> =
  | { outcome: "ok"; params: Params; summary: string; count: number; confirmation: string }
  | { outcome: "invalid-params"; issues: unknown };

/**
 * Validates the params and computes the preview and the confirmation phrase it requires.
 * Read-only; not audited (nothing is attempted).
 *
 * @example
 * ```ts
 * const p = await previewAdminAction(db, purge, { days: 90 });
 * if (p.outcome === "ok") show(`${p.summary}. Type "${p.confirmation}" to confirm.`);
 * ```
 */
export async function previewAdminAction<Params>(
  db: Db,
  action: AdminAction<Params>,
  rawParams: unknown,
): Promise<AdminPreviewResult<Params>> {
  const parsed = action.params.safeParse(rawParams);
  if (!parsed.success) return { outcome: "invalid-params", issues: parsed.error.issues };
  const preview = await action.preview(db, parsed.data);
  return {
    outcome: "ok",
    params: parsed.data,
    summary: preview.summary,
    count: preview.count,
    confirmation: action.confirmation(parsed.data, preview),
  };
}
