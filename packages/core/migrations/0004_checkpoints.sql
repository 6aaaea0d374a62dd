CREATE TABLE "groundcrew"."checkpoints" (
	"job_key" text PRIMARY KEY NOT NULL,
	"job_name" text NOT NULL,
	"cursor" jsonb,
	"processed" bigint DEFAULT 0 NOT NULL,
	"estimated_total" bigint,
	"batch_size" integer NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"fence" bigint,
	"rate" double precision,
	"last_error" text,
	"started_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "checkpoints_status_check" CHECK ("groundcrew"."checkpoints"."status" in ('running', 'paused', 'cancelled', 'done', 'failed'))
);
