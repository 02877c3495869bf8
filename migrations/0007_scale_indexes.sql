DROP INDEX `escalations_pending_render`;--> statement-breakpoint
CREATE INDEX `escalations_open_announced` ON `escalations` (`announced_at`) WHERE resolved_at is null;--> statement-breakpoint
CREATE INDEX `escalations_pending_render` ON `escalations` (`task_id`,`id`) WHERE rendered_version < version;--> statement-breakpoint
DROP INDEX `notifications_pending_render`;--> statement-breakpoint
CREATE INDEX `notifications_pending_render` ON `notifications` (`task_id`,`id`) WHERE rendered_version < version;--> statement-breakpoint
DROP INDEX `offers_pending_render`;--> statement-breakpoint
CREATE INDEX `offers_live_deadline` ON `offers` (`deadline`) WHERE status = 'live';--> statement-breakpoint
CREATE INDEX `offers_live_agent` ON `offers` (`agent_id`,`status`) WHERE status = 'live';--> statement-breakpoint
CREATE INDEX `offers_agent_offered` ON `offers` (`agent_id`,`offered_at`) WHERE agent_id is not null;--> statement-breakpoint
CREATE INDEX `offers_pool_offered` ON `offers` (`offered_at`) WHERE pool is not null;--> statement-breakpoint
CREATE INDEX `offers_pending_render` ON `offers` (`task_id`,`id`) WHERE rendered_version < version;--> statement-breakpoint
DROP INDEX `task_views_pending_render`;--> statement-breakpoint
CREATE INDEX `task_views_offer` ON `task_views` (`offer_id`,`recipient`) WHERE offer_id is not null;--> statement-breakpoint
CREATE INDEX `task_views_pending_render` ON `task_views` (`task_id`,`id`) WHERE rendered_version < version;--> statement-breakpoint
CREATE INDEX `tasks_duplicate_of` ON `tasks` (`duplicate_of`) WHERE duplicate_of is not null;--> statement-breakpoint
CREATE INDEX `tasks_claimed_at` ON `tasks` (`claimed_at`,`owner_id`) WHERE claimed_at is not null;--> statement-breakpoint
CREATE INDEX `tasks_contact_due` ON `tasks` (`status`,`contact_due_at`,`owner_id`) WHERE contacted_at is null and contact_due_at is not null;--> statement-breakpoint
CREATE INDEX `tasks_owner` ON `tasks` (`owner_id`,`status`) WHERE owner_id is not null;