CREATE TABLE `retention_runs` (
	`day` text PRIMARY KEY NOT NULL,
	`cutoff` integer NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`tasks` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE `tasks` ADD `details_removed_at` integer;--> statement-breakpoint
CREATE INDEX `tasks_details_kept` ON `tasks` (`created_at`) WHERE details_removed_at is null;