export { type ApproveAdminActionOptions, approveAdminAction } from "./approve-admin-action.ts";
export { type AdminAuditEntry, auditAdminRefusal, listAdminAudit } from "./audit.ts";
export {
  type AdminAction,
  type AdminActionDefinition,
  type AdminActionInfo,
  type AdminJobContext,
  type AdminPreview,
  type AnyAdminAction,
  adminActionInfo,
  defineAdminAction,
} from "./define-admin-action.ts";
export { type AdminDispatch, type AdminJob, type AdminTx, enqueueAdminJob } from "./dispatch.ts";
export { executeAdminJob } from "./execute-admin-job.ts";
export type {
  AdminActionResult,
  AdminCallOptions,
  AdminRefusal,
  AdminRefusalReason,
} from "./outcomes.ts";
export { type AdminPreviewResult, previewAdminAction } from "./preview-admin-action.ts";
export { type RequestAdminActionOptions, requestAdminAction } from "./request-admin-action.ts";
export { adminApprovals, adminAudit } from "./schema.ts";
