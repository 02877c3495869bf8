CREATE TABLE `agents` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text,
	`roles` text NOT NULL,
	`zips` text NOT NULL,
	`price_min` integer,
	`price_max` integer,
	`weight` integer DEFAULT 1 NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`in_config` integer DEFAULT true NOT NULL,
	`timezone` text,
	`synced_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `escalations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` integer NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL,
	`channel` text,
	`ts` text,
	`version` integer DEFAULT 1 NOT NULL,
	`rendered_version` integer DEFAULT 0 NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`retry_at` integer,
	`announced_at` integer,
	`resolved_at` integer,
	`resolved_by` text,
	`resolution` text,
	`assignee` text,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `escalations_one_open_per_task` ON `escalations` (`task_id`) WHERE resolved_at is null;--> statement-breakpoint
CREATE INDEX `escalations_pending_render` ON `escalations` (`id`) WHERE rendered_version < version;--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` integer NOT NULL,
	`offer_id` integer,
	`kind` text NOT NULL,
	`actor` text NOT NULL,
	`at` integer NOT NULL,
	`detail` text DEFAULT '{}' NOT NULL,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `events_task` ON `events` (`task_id`,`at`);--> statement-breakpoint
CREATE TABLE `heartbeats` (
	`name` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` integer NOT NULL,
	`kind` text NOT NULL,
	`recipient` text NOT NULL,
	`thread_ts` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`ts` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`retry_at` integer,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notifications_pending` ON `notifications` (`id`) WHERE sent_at is null;--> statement-breakpoint
CREATE TABLE `offers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` integer NOT NULL,
	`agent_id` text NOT NULL,
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
CREATE INDEX `offers_task` ON `offers` (`task_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `offers_one_live_per_task` ON `offers` (`task_id`) WHERE status = 'live';--> statement-breakpoint
CREATE INDEX `offers_pending_render` ON `offers` (`id`) WHERE rendered_version < version;--> statement-breakpoint
CREATE TABLE `round_robin` (
	`rule_name` text NOT NULL,
	`agent_id` text NOT NULL,
	`current` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`rule_name`, `agent_id`)
);
--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`external_id` text NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`first_name` text,
	`last_name` text,
	`email` text,
	`phone` text,
	`street` text,
	`city` text,
	`state` text,
	`zip` text,
	`price` integer,
	`message` text,
	`referring_agent` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`payload` text NOT NULL,
	`received_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`rule_name` text,
	`chain` text DEFAULT '[]' NOT NULL,
	`sla` text,
	`live_offer_id` integer,
	`owner_id` text,
	`claimed_at` integer,
	`manual_review` integer DEFAULT false NOT NULL,
	`contact_sla_seconds` integer,
	`contact_due_at` integer,
	`contact_reminded_at` integer,
	`contacted_at` integer,
	FOREIGN KEY (`owner_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_source_external_id` ON `tasks` (`source`,`external_id`);--> statement-breakpoint
CREATE INDEX `tasks_status` ON `tasks` (`status`);