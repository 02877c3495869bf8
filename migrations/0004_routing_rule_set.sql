-- offers.agent_id becomes nullable (a live first-to-claim broadcast has no single agent), which
-- SQLite can only do by rebuilding the table; migrateDatabase() switches foreign keys off around
-- the migrator and runs foreign_key_check before switching them back on.
CREATE TABLE `__new_offers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` integer NOT NULL,
	`agent_id` text,
	`pool` text,
	`pool_channel` text,
	`position` integer NOT NULL,
	`status` text NOT NULL,
	`reason` text NOT NULL,
	`offered_at` integer NOT NULL,
	`deadline` integer NOT NULL,
	`resolved_at` integer,
	`pass_reason` text,
	`dm_channel` text,
	`dm_ts` text,
	`dm_posted_at` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`rendered_version` integer DEFAULT 0 NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`retry_at` integer,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_offers`("id", "task_id", "agent_id", "pool", "pool_channel", "position", "status", "reason", "offered_at", "deadline", "resolved_at", "pass_reason", "dm_channel", "dm_ts", "dm_posted_at", "version", "rendered_version", "attempts", "retry_at") SELECT "id", "task_id", "agent_id", NULL, NULL, "position", "status", "reason", "offered_at", "deadline", "resolved_at", "pass_reason", "dm_channel", "dm_ts", "dm_posted_at", "version", "rendered_version", "attempts", "retry_at" FROM `offers`;--> statement-breakpoint
DROP TABLE `offers`;--> statement-breakpoint
ALTER TABLE `__new_offers` RENAME TO `offers`;--> statement-breakpoint
CREATE INDEX `offers_task` ON `offers` (`task_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `offers_one_live_per_task` ON `offers` (`task_id`) WHERE status = 'live';--> statement-breakpoint
CREATE INDEX `offers_pending_render` ON `offers` (`id`) WHERE rendered_version < version;--> statement-breakpoint
ALTER TABLE `agents` ADD `cities` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `agents` ADD `languages` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `tasks` ADD `language` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `duplicate_of` integer;--> statement-breakpoint
CREATE INDEX `tasks_phone` ON `tasks` (`phone`,`received_at`) WHERE phone is not null;--> statement-breakpoint
CREATE INDEX `tasks_email` ON `tasks` (`email`,`received_at`) WHERE email is not null;--> statement-breakpoint
CREATE TABLE `task_views` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` integer NOT NULL,
	`offer_id` integer,
	`kind` text NOT NULL,
	`recipient` text NOT NULL,
	`via` text NOT NULL,
	`channel` text,
	`ts` text,
	`created_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`rendered_version` integer DEFAULT 0 NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`retry_at` integer,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `task_views_one_per_recipient` ON `task_views` (`task_id`,`kind`,`recipient`,`offer_id`);--> statement-breakpoint
CREATE INDEX `task_views_pending_render` ON `task_views` (`id`) WHERE rendered_version < version;--> statement-breakpoint
-- Watchers' and broadcast copies re-render whenever what they show changes, whichever code path changed it.
CREATE TRIGGER `task_views_follow_task` AFTER UPDATE OF `status`, `owner_id`, `live_offer_id`, `contacted_at` ON `tasks`
BEGIN
	UPDATE `task_views` SET `version` = `version` + 1 WHERE `task_id` = NEW.`id`;
END;--> statement-breakpoint
CREATE TRIGGER `task_views_follow_offer` AFTER UPDATE OF `status`, `agent_id` ON `offers`
BEGIN
	UPDATE `task_views` SET `version` = `version` + 1 WHERE `task_id` = NEW.`task_id`;
END;
