ALTER TABLE `tasks` ADD `price_low` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `intake_notes` text DEFAULT '[]' NOT NULL;