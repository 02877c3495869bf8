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
CREATE INDEX `events_report` ON `events` (`id`,`task_id`,`kind`,`actor`,`at`,`offer_id`,`detail`) WHERE kind in ('offered', 'clock_restarted', 'claimed', 'passed', 'pass_reason', 'expired', 'escalated', 'assigned', 'taken', 'returned', 'contacted', 'held', 'released', 'duplicate');--> statement-breakpoint
CREATE INDEX `tasks_report` ON `tasks` (`created_at`,`source`,`type`,`rule_name`,`status`,`manual_review`,`intake_notes`);