CREATE TABLE `cover_overrides` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rotation` text NOT NULL,
	`agent_id` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`set_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`ended_at` integer,
	`ended_by` text,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `cover_overrides_open` ON `cover_overrides` (`rotation`,`ends_at`) WHERE ended_at is null;--> statement-breakpoint
CREATE TABLE `pauses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`set_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`ended_at` integer,
	`ended_by` text
);
--> statement-breakpoint
CREATE INDEX `pauses_open` ON `pauses` (`kind`,`name`,`ends_at`) WHERE ended_at is null;--> statement-breakpoint
CREATE TABLE `team_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`actor` text NOT NULL,
	`at` integer NOT NULL,
	`cover_id` integer,
	`pause_id` integer,
	`replaced_id` integer,
	`channel` text NOT NULL,
	`post_attempt_at` integer,
	`posted_at` integer,
	`ts` text,
	FOREIGN KEY (`cover_id`) REFERENCES `cover_overrides`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`pause_id`) REFERENCES `pauses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `tasks` ADD `pause_id` integer;