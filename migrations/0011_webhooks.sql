CREATE TABLE `webhook_cursors` (
	`name` text PRIMARY KEY NOT NULL,
	`last_event_id` integer NOT NULL
);
