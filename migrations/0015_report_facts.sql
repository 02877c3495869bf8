CREATE TABLE `report_cursor` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_event_id` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `report_facts` (
	`task_id` integer PRIMARY KEY NOT NULL,
	`claimed_at` integer,
	`contacted_at` integer,
	`rules_offers` integer NOT NULL,
	`first_offer_hit` integer NOT NULL,
	`first_offer_open_until` integer,
	`last_offer_open_until` integer,
	`claimed_in_chain` integer NOT NULL,
	`escalation` text,
	`held_at` integer,
	`hold_ms` integer,
	`passes` integer NOT NULL,
	`pass_reasons` text,
	`lapses` integer NOT NULL,
	`duplicate_times` text,
	`reassigned` integer NOT NULL,
	`misassigned_passes` integer NOT NULL,
	`fair_offers` text,
	`offer_window_ms` integer,
	`agents` text,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
DROP INDEX `tasks_report`;--> statement-breakpoint
ALTER TABLE `tasks` ADD `first_dm_at` integer;--> statement-breakpoint
-- Time to dispatch for the leads stored before this column: their first offer DM Slack confirmed.
UPDATE `tasks` SET `first_dm_at` = (SELECT min(`dm_posted_at`) FROM `offers` WHERE `offers`.`task_id` = `tasks`.`id`);--> statement-breakpoint
CREATE INDEX `tasks_report` ON `tasks` (`created_at`,`source`,`type`,`rule_name`,`status`,`manual_review`,`intake_notes`,`first_dm_at`);;--> statement-breakpoint
-- tasks.first_dm_at follows the offers' DMs in the same transaction that records them.
CREATE TRIGGER `tasks_first_dm` AFTER UPDATE OF `dm_posted_at` ON `offers`
WHEN NEW.`dm_posted_at` IS NOT NULL
BEGIN
	UPDATE `tasks` SET `first_dm_at` = NEW.`dm_posted_at`
	 WHERE `id` = NEW.`task_id` AND (`first_dm_at` IS NULL OR `first_dm_at` > NEW.`dm_posted_at`);
END;--> statement-breakpoint
CREATE TRIGGER `tasks_first_dm_inserted` AFTER INSERT ON `offers`
WHEN NEW.`dm_posted_at` IS NOT NULL
BEGIN
	UPDATE `tasks` SET `first_dm_at` = NEW.`dm_posted_at`
	 WHERE `id` = NEW.`task_id` AND (`first_dm_at` IS NULL OR `first_dm_at` > NEW.`dm_posted_at`);
END;
