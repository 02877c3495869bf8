CREATE TABLE `pond_posts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` integer NOT NULL,
	`offer_id` integer NOT NULL,
	`recipient` text NOT NULL,
	`created_at` integer NOT NULL,
	`remind_every_seconds` integer NOT NULL,
	`remind_at` integer NOT NULL,
	`escalate_at` integer NOT NULL,
	`escalated_at` integer,
	`closed_at` integer,
	`channel` text,
	`ts` text,
	`posted_at` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`rendered_version` integer DEFAULT 0 NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`retry_at` integer,
	`post_attempt_at` integer,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pond_posts_offer` ON `pond_posts` (`offer_id`);--> statement-breakpoint
CREATE INDEX `pond_posts_task` ON `pond_posts` (`task_id`);--> statement-breakpoint
CREATE INDEX `pond_posts_open_remind` ON `pond_posts` (`remind_at`) WHERE closed_at is null;--> statement-breakpoint
CREATE INDEX `pond_posts_open_escalate` ON `pond_posts` (`escalate_at`) WHERE closed_at is null and escalated_at is null;--> statement-breakpoint
CREATE INDEX `pond_posts_pending_render` ON `pond_posts` (`task_id`,`id`) WHERE rendered_version < version;--> statement-breakpoint
ALTER TABLE `offers` ADD `pond` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `offers` ADD `idle_at` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `contact_clock` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `contact_then` text;--> statement-breakpoint
CREATE INDEX `escalations_task` ON `escalations` (`task_id`,`id`);