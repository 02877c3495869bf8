CREATE TABLE `lead_replies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` integer NOT NULL,
	`channel` text NOT NULL,
	`rule` text NOT NULL,
	`trigger` text NOT NULL,
	`agent_id` text,
	`address` text NOT NULL,
	`status` text DEFAULT 'planned' NOT NULL,
	`provider_id` text,
	`reason` text,
	`created_at` integer NOT NULL,
	`send_at` integer,
	`sent_at` integer,
	`status_at` integer,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `lead_replies_one_per_channel` ON `lead_replies` (`task_id`,`channel`);--> statement-breakpoint
CREATE INDEX `lead_replies_provider` ON `lead_replies` (`provider_id`) WHERE provider_id is not null;--> statement-breakpoint
CREATE TABLE `sms_opt_outs` (
	`phone` text PRIMARY KEY NOT NULL,
	`keyword` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
-- The agent's DM shows how the reply to the lead went ("✓ texted Jane at 10:45"): the task's latest
-- offer re-renders whenever a reply's status changes, whichever code path changed it.
CREATE TRIGGER `offers_follow_lead_replies` AFTER UPDATE OF `status` ON `lead_replies`
BEGIN
	UPDATE `offers` SET `version` = `version` + 1
	 WHERE `id` = (SELECT max(`id`) FROM `offers` WHERE `task_id` = NEW.`task_id`);
END;
