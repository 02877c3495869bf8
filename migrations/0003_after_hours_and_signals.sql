CREATE TABLE `availability_signals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agent_id` text NOT NULL,
	`source` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer,
	`reason` text,
	`fetched_at` integer NOT NULL,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `availability_signals_agent` ON `availability_signals` (`agent_id`,`source`);--> statement-breakpoint
CREATE TABLE `signal_checks` (
	`agent_id` text NOT NULL,
	`source` text NOT NULL,
	`checked_at` integer NOT NULL,
	`ok_at` integer,
	`error` text,
	PRIMARY KEY(`agent_id`, `source`),
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `agents` ADD `slack_timezone` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `held_until` integer;--> statement-breakpoint
CREATE INDEX `tasks_held` ON `tasks` (`held_until`) WHERE status = 'held';