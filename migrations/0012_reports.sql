CREATE TABLE `digests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`period_start` integer NOT NULL,
	`since` integer NOT NULL,
	`until` integer NOT NULL,
	`channel` text NOT NULL,
	`created_at` integer NOT NULL,
	`skipped` integer DEFAULT false NOT NULL,
	`post_attempt_at` integer,
	`posted_at` integer,
	`ts` text,
	`file_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `digests_period_start_unique` ON `digests` (`period_start`);--> statement-breakpoint
CREATE INDEX `tasks_created_at` ON `tasks` (`created_at`);