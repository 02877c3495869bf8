CREATE TABLE `config_reloads` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`trigger` text NOT NULL,
	`requested_by` text,
	`requested_at` integer NOT NULL,
	`done_at` integer,
	`outcome` text,
	`file` text,
	`content_hash` text,
	`agents` integer,
	`rules` integer,
	`report` text DEFAULT '[]' NOT NULL,
	`warnings` text DEFAULT '[]' NOT NULL,
	`notice` text,
	`notice_channel` text,
	`notice_attempt_at` integer,
	`notice_ts` text
);
--> statement-breakpoint
CREATE INDEX `config_reloads_pending` ON `config_reloads` (`id`) WHERE done_at is null;