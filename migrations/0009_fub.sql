CREATE TABLE `crm_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`system` text NOT NULL,
	`event_id` text NOT NULL,
	`event` text NOT NULL,
	`resource_ids` text NOT NULL,
	`event_created` integer NOT NULL,
	`received_at` integer NOT NULL,
	`outcome` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `crm_events_event_id` ON `crm_events` (`system`,`event_id`);--> statement-breakpoint
CREATE TABLE `crm_users` (
	`system` text NOT NULL,
	`email` text NOT NULL,
	`user_id` integer NOT NULL,
	`fetched_at` integer NOT NULL,
	PRIMARY KEY(`system`, `email`)
);
--> statement-breakpoint
ALTER TABLE `notifications` ADD `outbox_id` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `crm_person` text;--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_crm_person` ON `tasks` (`crm_person`) WHERE crm_person is not null;