CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` integer,
	`topic` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`created_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`delivered_at` integer,
	`dead_at` integer,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`next_attempt_at`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `outbox_task_order` ON `outbox` (`task_id`,`topic`,`id`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `outbox_dead` ON `outbox` (`dead_at`) WHERE status = 'dead';--> statement-breakpoint
DROP INDEX `notifications_pending`;--> statement-breakpoint
ALTER TABLE `notifications` ADD `channel` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `notifications` ADD `rendered_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `notifications` ADD `post_attempt_at` integer;--> statement-breakpoint
CREATE INDEX `notifications_pending_render` ON `notifications` (`id`) WHERE rendered_version < version;--> statement-breakpoint
ALTER TABLE `escalations` ADD `post_attempt_at` integer;--> statement-breakpoint
ALTER TABLE `offers` ADD `post_attempt_at` integer;--> statement-breakpoint
ALTER TABLE `task_views` ADD `post_attempt_at` integer;--> statement-breakpoint
-- Reminders already sent (or given up on) count as rendered, so the new sync step leaves them alone.
UPDATE `notifications` SET `rendered_version` = `version` WHERE `sent_at` IS NOT NULL;
