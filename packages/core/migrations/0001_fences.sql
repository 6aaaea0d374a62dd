CREATE TABLE "groundcrew"."fences" (
	"resource" text PRIMARY KEY NOT NULL,
	"fence" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now()
);
