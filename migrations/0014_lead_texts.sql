ALTER TABLE `notifications` ADD `text` text;--> statement-breakpoint
-- The leaders' open escalation shows how the reply to the lead went, as the agent's DM does.
CREATE TRIGGER `escalations_follow_lead_replies` AFTER UPDATE OF `status` ON `lead_replies`
BEGIN
	UPDATE `escalations` SET `version` = `version` + 1
	 WHERE `task_id` = NEW.`task_id` AND `resolved_at` IS NULL;
END;
