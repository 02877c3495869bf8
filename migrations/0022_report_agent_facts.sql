-- WITHOUT ROWID (by hand; drizzle-kit cannot say it): the rows are kept in primary-key order, so a
-- report reads a lead's agents in one lookup of the key, not the key then the row.
CREATE TABLE `report_agent_facts` (
	`task_id` integer NOT NULL,
	`agent_id` text NOT NULL,
	`offers` integer NOT NULL,
	`claims` integer NOT NULL,
	`passes` integer NOT NULL,
	`misassigned_passes` integer NOT NULL,
	`lapses` integer NOT NULL,
	`first_offers` integer NOT NULL,
	`claim_ms` text,
	PRIMARY KEY(`task_id`, `agent_id`),
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
--> statement-breakpoint
ALTER TABLE `report_facts` ADD `shape` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- A lead's agent rows go with its report facts: a report reads them without joining report_facts.
CREATE TRIGGER `report_facts_deleted` AFTER DELETE ON `report_facts`
BEGIN
	DELETE FROM `report_agent_facts` WHERE `task_id` = OLD.`task_id`;
END;--> statement-breakpoint
-- The leads reduced before this have no shape and no agent rows: the report indexer reduces the
-- history again from the first event (reports read the events until it has caught up).
DELETE FROM `report_facts`;--> statement-breakpoint
DELETE FROM `report_cursor`;
