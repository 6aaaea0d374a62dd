CREATE TABLE "groundcrew"."run_once_tasks" (
	"name" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"checksum" text NOT NULL,
	"actor" text NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"output" jsonb,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "groundcrew"."sweep_runs" (
	"table_name" text PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"swept" bigint NOT NULL,
	"batches" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "groundcrew"."admin_approvals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"action" text NOT NULL,
	"params" jsonb NOT NULL,
	"requested_by" text NOT NULL,
	"request_id" text NOT NULL,
	"confirmation" text NOT NULL,
	"preview_count" integer NOT NULL,
	"status" text NOT NULL,
	"approved_by" text,
	"job_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "groundcrew"."admin_audit" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"action" text NOT NULL,
	"actor" text NOT NULL,
	"request_id" text NOT NULL,
	"params" jsonb NOT NULL,
	"outcome" text NOT NULL,
	"reason" text,
	"job_id" text,
	"approval_id" bigint,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "admin_approvals_pending_idx" ON "groundcrew"."admin_approvals" USING btree ("request_id") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "admin_audit_request_id_idx" ON "groundcrew"."admin_audit" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "admin_audit_created_at_idx" ON "groundcrew"."admin_audit" USING btree ("created_at");